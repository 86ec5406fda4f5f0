#include "sim/flow/object_fetcher.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace cdnlab {
namespace {

Duration FromSecondsExact(double s) { return Duration(static_cast<Duration::rep>(std::llround(s * 1e9))); }

}  // namespace

FlowObjectFetcher::FlowObjectFetcher(FlowNetwork& network, Clock& clock, TimerScheduler& timers, Duration timeout)
    : network_(network), clock_(clock), timers_(timers), timeout_(timeout), flows_on_link_(network.LinkCount(), 0) {}

FlowObjectFetcher::~FlowObjectFetcher() {
  for (auto& [id, f] : fetches_) timers_.Cancel(f.timer);
}

Duration FlowObjectFetcher::DataTime(std::uint64_t bytes, double rtt_s, double rate_bps, std::uint64_t segment_bytes) {
  double remaining = static_cast<double>(bytes);
  double window = static_cast<double>(segment_bytes * kInitialWindowSegments);
  double t = 0;
  while (remaining > window && window * 8 / rate_bps < rtt_s) {
    t += rtt_s;
    remaining -= window;
    window *= 2;
  }
  return FromSecondsExact(t + remaining * 8 / rate_bps);
}

double FlowObjectFetcher::RateBps(const PathMetrics& path, std::size_t sharing, std::uint64_t segment_bytes) {
  double rate = path.bottleneck_mbps * 1e6 / static_cast<double>(sharing + 1);
  if (path.loss > 0) {
    const double rtt_s = 2 * path.one_way_delay_ms / 1000;
    rate = std::min(rate, segment_bytes * 8 / rtt_s * 1.22 / std::sqrt(path.loss));
  }
  return rate;
}

void FlowObjectFetcher::Fetch(const IpAddress& client, const Endpoint& server, std::uint64_t bytes, Done done) {
  const std::uint64_t id = next_id_++;
  Active f;
  f.expected = bytes;
  f.started = clock_.Now();
  f.server = server;
  f.done = std::move(done);
  const bool client_down = network_.HostDown(client);  // throws for an unknown client, as TcpObjectFetcher does
  const PathMetrics path = network_.HasHost(server.address) ? network_.Path(client, server.address) : PathMetrics{};
  const bool usable = path.reachable && !client_down && !network_.HostDown(server.address);
  Duration elapsed = timeout_;
  if (usable) {
    const double rtt_s = 2 * path.one_way_delay_ms / 1000;
    const std::size_t sharing = path.bottleneck_link == PathMetrics::kNoLink ? 0 : flows_on_link_[path.bottleneck_link];
    // TCP over IPv6 carries fewer bytes per segment, as in packet fidelity (FitSegmentSizeToIpv6).
    const std::uint64_t segment = client.IsV6() ? kSegmentBytes6 : kSegmentBytes;
    const double rate = RateBps(path, sharing, segment);
    const Duration rtt = FromSecondsExact(rtt_s);
    // The first segment arrives one RTT (and its own serialization) after the request leaves.
    f.request_to_first_byte = rtt + FromSecondsExact(std::min<double>(bytes, segment) * 8 / rate);
    elapsed = rtt + rtt + DataTime(bytes, rtt_s, rate, segment);
    if (path.bottleneck_link != PathMetrics::kNoLink) {
      f.link = path.bottleneck_link;
      ++flows_on_link_[f.link];
    }
  }
  const bool completes = usable && elapsed < timeout_;
  f.timer = timers_.ScheduleAfter(completes ? elapsed : timeout_, [this, id, completes] {
    if (completes) {
      Complete(id);
    } else {
      Finish(id, false);
    }
  });
  fetches_.emplace(id, std::move(f));
}

void FlowObjectFetcher::Complete(std::uint64_t id) {
  auto it = fetches_.find(id);
  if (it == fetches_.end()) return;
  Active& f = it->second;
  // A server whose PoP failed mid-download stalls the transfer until the timeout.
  if (network_.HostDown(f.server.address)) {
    f.timer = timers_.ScheduleAfter(f.started + timeout_ - clock_.Now(), [this, id] { Finish(id, false); });
    return;
  }
  Finish(id, true);
}

void FlowObjectFetcher::Finish(std::uint64_t id, bool ok) {
  auto it = fetches_.find(id);
  if (it == fetches_.end()) return;
  Active f = std::move(it->second);
  fetches_.erase(it);
  if (f.link != PathMetrics::kNoLink) --flows_on_link_[f.link];
  FetchResult result;
  result.ok = ok;
  result.bytes = ok ? f.expected : 0;
  result.elapsed = clock_.Now() - f.started;
  if (ok) result.request_to_first_byte = f.request_to_first_byte;
  result.error = ok ? "" : "timed out after 0 of " + std::to_string(f.expected) + " bytes";
  f.done(result);
}

}  // namespace cdnlab
