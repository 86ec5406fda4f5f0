#include "realnet/dns/udp_workers.h"

#include <sys/time.h>

#include <array>
#include <cerrno>
#include <memory>

namespace cdnlab {
namespace {

constexpr int kBatch = 32;
constexpr std::size_t kMaxQuery = 4096;  // no DNS query over UDP is larger (EDNS payloads are replies)

}  // namespace

UdpWorkers::UdpWorkers(int fd, int threads, Handler handler) : fd_(fd), handler_(std::move(handler)) {
  // Blocked receives wake every 100 ms to notice a stop.
  timeval timeout{0, 100 * 1000};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { Run(); });
}

UdpWorkers::~UdpWorkers() {
  running_ = false;
  for (auto& t : threads_) t.join();
}

void UdpWorkers::Run() {
  struct Slot {
    std::array<std::uint8_t, kMaxQuery> in;
    sockaddr_storage peer;
    iovec in_iov;
    iovec out_iov;
    Bytes reply;
  };
  auto slots = std::make_unique<std::array<Slot, kBatch>>();
  std::array<mmsghdr, kBatch> in{};
  std::array<mmsghdr, kBatch> out{};
  for (int i = 0; i < kBatch; ++i) {
    Slot& s = (*slots)[i];
    s.reply.reserve(1232);
    s.in_iov = {s.in.data(), s.in.size()};
    in[i].msg_hdr.msg_iov = &s.in_iov;
    in[i].msg_hdr.msg_iovlen = 1;
  }
  while (running_.load(std::memory_order_relaxed)) {
    for (int i = 0; i < kBatch; ++i) {
      in[i].msg_hdr.msg_name = &(*slots)[i].peer;
      in[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      in[i].msg_hdr.msg_flags = 0;
    }
    const int n = recvmmsg(fd_, in.data(), kBatch, MSG_WAITFORONE, nullptr);
    if (n <= 0) continue;  // timeout (to check running_), EINTR, or the socket closing at stop
    received_.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
    int replies = 0;
    for (int i = 0; i < n; ++i) {
      Slot& s = (*slots)[i];
      s.reply.clear();
      if ((in[i].msg_hdr.msg_flags & MSG_TRUNC) != 0) {
        oversize_.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      handler_(s.in.data(), in[i].msg_len, s.peer, s.reply);
      if (s.reply.empty()) continue;
      s.out_iov = {s.reply.data(), s.reply.size()};
      mmsghdr& m = out[replies++];
      m.msg_hdr = {};
      m.msg_hdr.msg_name = &s.peer;
      m.msg_hdr.msg_namelen = in[i].msg_hdr.msg_namelen;
      m.msg_hdr.msg_iov = &s.out_iov;
      m.msg_hdr.msg_iovlen = 1;
    }
    for (int sent = 0; sent < replies;) {
      const int k = sendmmsg(fd_, out.data() + sent, static_cast<unsigned>(replies - sent), 0);
      if (k <= 0) {
        if (k < 0 && errno == EINTR) continue;
        // The reply that failed is lost, like a datagram on the wire; count it and go on.
        send_errors_.fetch_add(1, std::memory_order_relaxed);
        ++sent;
        continue;
      }
      sent += k;
    }
  }
}

}  // namespace cdnlab
