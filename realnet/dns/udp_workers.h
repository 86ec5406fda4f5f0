#pragma once
#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "models/ports/datagram_transport.h"

namespace cdnlab {

// Threads that serve one UDP socket together: each takes up to a batch of datagrams with one
// recvmmsg, answers them and sends the replies with one sendmmsg. One socket shared by all
// (the kernel hands each datagram to one waiting thread) balances any number of clients,
// where one SO_REUSEPORT socket per thread would split them by a hash of their addresses.
class UdpWorkers {
 public:
  // Fills `reply` (cleared, capacity kept) for one datagram from `peer`; leaves it empty to
  // send nothing. Called concurrently from every worker thread.
  using Handler = std::function<void(const std::uint8_t* data, std::size_t size, const sockaddr_storage& peer,
                                     Bytes& reply)>;

  UdpWorkers(int fd, int threads, Handler handler);
  ~UdpWorkers();  // stops and joins
  UdpWorkers(const UdpWorkers&) = delete;
  UdpWorkers& operator=(const UdpWorkers&) = delete;

  std::uint64_t Received() const { return received_.load(std::memory_order_relaxed); }
  std::uint64_t Oversize() const { return oversize_.load(std::memory_order_relaxed); }  // dropped: over 4 KiB
  std::uint64_t SendErrors() const { return send_errors_.load(std::memory_order_relaxed); }

 private:
  void Run();

  int fd_;
  Handler handler_;
  std::atomic<bool> running_{true};
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> oversize_{0};
  std::atomic<std::uint64_t> send_errors_{0};
  std::vector<std::thread> threads_;
};

}  // namespace cdnlab
