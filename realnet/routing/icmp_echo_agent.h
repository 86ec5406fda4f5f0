#pragma once
#include <array>
#include <memory>
#include <optional>
#include <stdexcept>

#include <boost/asio/generic/raw_protocol.hpp>
#include <boost/asio/io_context.hpp>

#include "models/ports/clock.h"
#include "models/ports/timer_scheduler.h"
#include "models/routing/probe_train.h"
#include "models/routing/probe_train_pacer.h"

namespace cdnlab {

// Thrown when this process may not send ICMP echo (no ping-socket permission, not root).
class IcmpNotPermitted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Probes with ICMP echo instead of UDP: no responder is needed on the client side, only a
// host that answers ping. Uses an unprivileged ping socket where net.ipv4.ping_group_range
// allows it, else a raw socket (root). Trains are paced and counted like ProbeAgent's, by the
// same ProbeTrainPacer: `packets` echoes `spacing` apart, median RTT, loss after `timeout`.
// The spec's target port is ignored.
class IcmpEchoAgent final : public ProbeTrainRunner {
 public:
  // Binds to `local` (the PoP server's address). Throws IcmpNotPermitted.
  IcmpEchoAgent(boost::asio::io_context& io, PopIndex pop, Ipv4Address local, Clock& clock, TimerScheduler& timers);
  ~IcmpEchoAgent() override;
  void RunTrain(const ProbeTrainSpec& spec, Done done) override;
  bool UsesRawSocket() const { return raw_; }

 private:
  std::size_t SendEcho(std::uint64_t train_id, int seq, const ProbeTrainSpec& spec);
  void Receive();
  void OnPacket(const std::uint8_t* data, std::size_t size);

  Clock& clock_;
  boost::asio::generic::raw_protocol::socket socket_;
  bool raw_ = false;
  std::uint16_t identifier_;
  std::array<std::uint8_t, 2048> buffer_{};
  boost::asio::generic::raw_protocol::endpoint sender_;
  ProbeTrainPacer pacer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace cdnlab
