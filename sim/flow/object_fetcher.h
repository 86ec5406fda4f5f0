#pragma once
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "models/ports/clock.h"
#include "models/ports/object_fetcher.h"
#include "models/ports/timer_scheduler.h"
#include "sim/flow/network.h"

namespace cdnlab {

// ObjectFetcher without packets: a TCP-like download time from the path. One RTT of
// handshake, one RTT from the request to the first byte, then slow start (10 segments of
// 1448 B, doubling per RTT) until the window fills the available rate: the bottleneck's
// bandwidth shared by the fetches active on that link when this one starts, and on a lossy
// path the Mathis limit MSS/RTT x 1.22/sqrt(p). A failed PoP's server, an unreachable path or
// a download slower than `timeout` fails at the timeout ("timed out after 0 of N bytes", as
// TcpObjectFetcher words it; a server failing mid-download also fails then). One timer per
// fetch; `done` exactly once.
class FlowObjectFetcher final : public ObjectFetcher {
 public:
  static constexpr std::uint64_t kSegmentBytes = 1448;
  static constexpr std::uint64_t kSegmentBytes6 = kSegmentBytes - 20;  // IPv6's 20 more header bytes
  static constexpr std::uint64_t kInitialWindowSegments = 10;

  FlowObjectFetcher(FlowNetwork& network, Clock& clock, TimerScheduler& timers,
                    Duration timeout = std::chrono::seconds(30));
  ~FlowObjectFetcher() override;
  void Fetch(const IpAddress& client, const Endpoint& server, std::uint64_t bytes, Done done) override;
  std::size_t InFlight() const { return fetches_.size(); }

  // From the first byte's arrival to the last's: slow-start rounds of one RTT each until the
  // window fills the pipe or holds the rest, then the rest at `rate_bps`.
  static Duration DataTime(std::uint64_t bytes, double rtt_s, double rate_bps,
                           std::uint64_t segment_bytes = kSegmentBytes);
  // The rate one new fetch gets on `path` with `sharing` other fetches on its bottleneck.
  static double RateBps(const PathMetrics& path, std::size_t sharing, std::uint64_t segment_bytes = kSegmentBytes);

 private:
  struct Active {
    std::uint64_t expected = 0;
    SimTime started{0};
    Endpoint server;
    std::uint32_t link = PathMetrics::kNoLink;  // counted in flows_on_link_ while active
    Duration request_to_first_byte{0};
    TimerId timer = 0;
    Done done;
  };
  void Complete(std::uint64_t id);
  void Finish(std::uint64_t id, bool ok);

  FlowNetwork& network_;
  Clock& clock_;
  TimerScheduler& timers_;
  Duration timeout_;
  std::unordered_map<std::uint64_t, Active> fetches_;
  std::vector<std::uint32_t> flows_on_link_;  // active fetches by bottleneck link
  std::uint64_t next_id_ = 1;
};

}  // namespace cdnlab
