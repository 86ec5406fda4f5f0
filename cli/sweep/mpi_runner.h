#pragma once
// `cdnlab sweep` under mpirun (issue 7): the MPI side of a sweep spread over ranks. Kept apart
// from sweep_command.cpp so only this file includes <mpi.h>.
//
// MPI is initialised only when the process was started by an MPI launcher, seen in the
// environment (OMPI_COMM_WORLD_SIZE from Open MPI's mpirun, PMIX_RANK from PMIx launchers such
// as `srun --mpi=pmix`, PMI_RANK from MPICH/Hydra). Without one, `cdnlab sweep` and every other
// subcommand never touch MPI, and `cdnlab run` children of a sweep never call MPI_Init.
//
// Rank r runs the expanded runs with index i where i % size == r, then sends every run's
// result (its failure text, if any, and the files of its run directory: summary.json, CSVs,
// scenario.yaml, run.log) to rank 0 over MPI itself, so no shared filesystem is assumed.
// Waiting ranks poll with short sleeps instead of spinning, so an idle rank does not take a
// core from the runs of another rank on the same machine.
#include <cstddef>
#include <string>
#include <vector>

namespace cdnlab::cli {

// Whether an MPI launcher started this process (see above).
bool LaunchedUnderMpi();

struct SweepRunFile {
  std::string name;  // plain file name inside the run directory
  std::string content;
};

// One run's result as a rank sends it to rank 0.
struct SweepRunMessage {
  std::size_t index = 0;  // into the expanded runs
  std::string failure;    // empty: the run succeeded
  std::vector<SweepRunFile> files;
};

std::string EncodeSweepRunMessage(const SweepRunMessage& message);
// Throws std::runtime_error on a truncated or malformed buffer.
SweepRunMessage DecodeSweepRunMessage(const std::string& bytes);

// MPI_Init on construction, MPI_Finalize on destruction. One per process.
class MpiSweepSession {
 public:
  MpiSweepSession();
  ~MpiSweepSession();
  MpiSweepSession(const MpiSweepSession&) = delete;
  MpiSweepSession& operator=(const MpiSweepSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // Ranks on this machine (MPI_COMM_TYPE_SHARED), for the default --jobs per rank.
  int local_size() const { return local_size_; }

  // Collective: the largest `value` over all ranks.
  int MaxOverRanks(int value) const;
  // Collective: rank 0's `value` on every rank.
  int FromRankZero(int value) const;
  // Sends one run's result to rank 0 (call on ranks other than 0, in run order).
  void SendToRankZero(const SweepRunMessage& message) const;
  // On rank 0: the next run result from `source`, in the order that rank sent them.
  SweepRunMessage ReceiveFrom(int source) const;
  // Ends every rank of the job with `code` (no hang when one rank cannot go on).
  [[noreturn]] void Abort(int code) const;

 private:
  int rank_ = 0;
  int size_ = 1;
  int local_size_ = 1;
};

}  // namespace cdnlab::cli
