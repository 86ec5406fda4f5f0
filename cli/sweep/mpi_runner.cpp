#include "cli/sweep/mpi_runner.h"

// Only the C API: keep Open MPI's and MPICH's C++ bindings (and their libraries) out.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace cdnlab::cli {
namespace {

constexpr int kTagSize = 71;
constexpr int kTagData = 72;
// MPI counts are int: large payloads go in pieces.
constexpr std::size_t kChunk = std::size_t{1} << 30;

void Check(int rc, const char* what) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(rc, text, &length);
  throw std::runtime_error(fmt::format("{} failed: {}", what, std::string(text, static_cast<std::size_t>(length))));
}

// Waits for a request without spinning: MPI_Wait busy-polls and would take a core from the
// `cdnlab run` children of other ranks on the same machine.
void WaitPolling(MPI_Request* request, const char* what) {
  for (;;) {
    int done = 0;
    Check(MPI_Test(request, &done, MPI_STATUS_IGNORE), what);
    if (done) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void PutU64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutString(std::string& out, const std::string& s) {
  PutU64(out, s.size());
  out += s;
}

struct Reader {
  const std::string& bytes;
  std::size_t pos = 0;

  std::uint64_t U64() {
    if (bytes.size() - pos < 8) throw std::runtime_error("truncated sweep run message");
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t{static_cast<unsigned char>(bytes[pos + i])} << (8 * i);
    pos += 8;
    return v;
  }
  std::string String() {
    const std::uint64_t n = U64();
    if (bytes.size() - pos < n) throw std::runtime_error("truncated sweep run message");
    std::string s = bytes.substr(pos, n);
    pos += n;
    return s;
  }
};

}  // namespace

bool LaunchedUnderMpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') return true;
  }
  return false;
}

std::string EncodeSweepRunMessage(const SweepRunMessage& message) {
  std::string out;
  PutU64(out, message.index);
  PutString(out, message.failure);
  PutU64(out, message.files.size());
  for (const auto& f : message.files) {
    PutString(out, f.name);
    PutString(out, f.content);
  }
  return out;
}

SweepRunMessage DecodeSweepRunMessage(const std::string& bytes) {
  Reader r{bytes};
  SweepRunMessage m;
  m.index = r.U64();
  m.failure = r.String();
  const std::uint64_t files = r.U64();
  for (std::uint64_t i = 0; i < files; ++i) {
    SweepRunFile f;
    f.name = r.String();
    f.content = r.String();
    m.files.push_back(std::move(f));
  }
  if (r.pos != bytes.size()) throw std::runtime_error("trailing bytes in sweep run message");
  return m;
}

MpiSweepSession::MpiSweepSession() {
  Check(MPI_Init(nullptr, nullptr), "MPI_Init");
  // Errors come back as codes (turned into exceptions above) instead of ending the job silently.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  Check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  Check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
  MPI_Comm local;
  Check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &local),
        "MPI_Comm_split_type");
  Check(MPI_Comm_size(local, &local_size_), "MPI_Comm_size");
  MPI_Comm_free(&local);
}

MpiSweepSession::~MpiSweepSession() { MPI_Finalize(); }

int MpiSweepSession::MaxOverRanks(int value) const {
  int result = value;
  Check(MPI_Allreduce(&value, &result, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
  return result;
}

int MpiSweepSession::FromRankZero(int value) const {
  Check(MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Bcast");
  return value;
}

void MpiSweepSession::SendToRankZero(const SweepRunMessage& message) const {
  const std::string bytes = EncodeSweepRunMessage(message);
  std::uint64_t size = bytes.size();
  MPI_Request request;
  Check(MPI_Isend(&size, 1, MPI_UINT64_T, 0, kTagSize, MPI_COMM_WORLD, &request), "MPI_Isend");
  WaitPolling(&request, "MPI_Isend");
  for (std::size_t pos = 0; pos < bytes.size(); pos += kChunk) {
    const int n = static_cast<int>(std::min(kChunk, bytes.size() - pos));
    Check(MPI_Isend(bytes.data() + pos, n, MPI_BYTE, 0, kTagData, MPI_COMM_WORLD, &request), "MPI_Isend");
    WaitPolling(&request, "MPI_Isend");
  }
}

SweepRunMessage MpiSweepSession::ReceiveFrom(int source) const {
  std::uint64_t size = 0;
  MPI_Request request;
  Check(MPI_Irecv(&size, 1, MPI_UINT64_T, source, kTagSize, MPI_COMM_WORLD, &request), "MPI_Irecv");
  WaitPolling(&request, "MPI_Irecv");
  std::string bytes(size, '\0');
  for (std::size_t pos = 0; pos < bytes.size(); pos += kChunk) {
    const int n = static_cast<int>(std::min<std::size_t>(kChunk, bytes.size() - pos));
    Check(MPI_Irecv(bytes.data() + pos, n, MPI_BYTE, source, kTagData, MPI_COMM_WORLD, &request), "MPI_Irecv");
    WaitPolling(&request, "MPI_Irecv");
  }
  return DecodeSweepRunMessage(bytes);
}

void MpiSweepSession::Abort(int code) const {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);  // MPI_Abort does not return; this is only for the compiler
}

}  // namespace cdnlab::cli
