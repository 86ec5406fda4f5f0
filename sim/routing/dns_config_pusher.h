#pragma once
#include <deque>
#include <optional>

#include "models/ports/datagram_transport.h"
#include "models/ports/resolver_config_sink.h"
#include "models/ports/timer_scheduler.h"

namespace cdnlab {

// The controller's side of DNS configuration in the simulation: sends each mapping diff to
// the authoritative node as UDP chunks, one version at a time, and retransmits the head
// version until it is acknowledged (every `retransmit_after`, at most `max_attempts`).
class DnsConfigPusher final : public ResolverConfigSink {
 public:
  DnsConfigPusher(Endpoint local, Endpoint dns_config, DatagramTransport& transport, TimerScheduler& timers,
                  Duration retransmit_after = std::chrono::milliseconds(200), int max_attempts = 50);
  ~DnsConfigPusher() override;
  void Start();
  void Stop();

  void Apply(const MappingDiff& diff) override;

  std::uint64_t VersionsAcknowledged() const { return acked_version_; }
  std::uint64_t Retransmissions() const { return retransmissions_; }
  std::uint64_t VersionsAbandoned() const { return abandoned_; }
  std::size_t Queued() const { return queue_.size(); }

 private:
  void SendHead();
  void OnAck(const Bytes& payload);

  Endpoint local_;
  Endpoint dns_config_;
  DatagramTransport& transport_;
  TimerScheduler& timers_;
  Duration retransmit_after_;
  int max_attempts_;
  bool running_ = false;
  std::deque<MappingDiff> queue_;
  int attempts_ = 0;
  std::optional<TimerId> timer_;
  std::uint64_t acked_version_ = 0;
  std::uint64_t retransmissions_ = 0;
  std::uint64_t abandoned_ = 0;
};

}  // namespace cdnlab
