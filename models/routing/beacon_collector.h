#pragma once
// Validates decoded beacons and feeds the accepted timings into a MeasurementStore, the same
// store probes feed, so every measured policy can use them.
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "models/ports/clock.h"
#include "models/ports/metrics_sink.h"
#include "models/routing/beacon.h"
#include "models/routing/group_prefix_index.h"
#include "models/routing/measurement_store.h"
#include "models/routing/catalog.h"

namespace cdnlab {

enum class BeaconVerdict {
  kAccepted,
  kUnknownClient,  // the sender's address is in no client group
  kUnknownPop,     // a timing names a PoP the catalog does not have
  kOutOfRange,     // an RTT/duration outside [min_ms, max_ms], rtt > duration, ok without an RTT, bytes 0 when ok...
  kStale,          // page_time_s further than max_clock_skew from the collector's clock
  kReplayed,       // this page_view_id was already accepted within replay_window
  kRateLimited,    // the client's token bucket is empty
};
const char* BeaconVerdictName(BeaconVerdict v);  // "accepted", "unknown_client", ...

struct BeaconCollectorConfig {
  double min_ms = 0.05;
  double max_ms = 30000;
  Duration max_clock_skew = std::chrono::minutes(5);
  Duration replay_window = std::chrono::minutes(10);
  double rate_per_client_per_s = 2;  // token bucket per client address
  double burst_per_client = 10;
  double epoch_offset_s = 0;  // page_time_s - epoch_offset_s is compared with the clock (realnet: Unix time at start)
};

// Emits rum.beacons{verdict=...} counters and rum.rtt_ms samples (labels group, pop).
class BeaconCollector {
 public:
  BeaconCollector(const RoutingCatalog& catalog, MeasurementStore& store, Clock& clock, MetricsSink& metrics,
                  BeaconCollectorConfig config = {});

  // Checks in order: client, timings, clock skew, replay, rate. Only an accepted beacon changes
  // the store (one sample per timing: a failed fetch counts as loss 1 with no RTT).
  BeaconVerdict Accept(const Beacon& beacon);

  std::uint64_t Count(BeaconVerdict v) const;

  // A reload that added or removed PoPs or groups: beacons feed `store` from now on. Counts,
  // recent page views (replays) and rate buckets carry over.
  void Rebind(const RoutingCatalog& catalog, MeasurementStore& store);

 private:
  struct Bucket {
    double tokens = 0;
    SimTime refilled_at{0};
  };
  BeaconVerdict Check(const Beacon& beacon, SimTime now, GroupIndex& group, std::vector<PopIndex>& pops);
  bool InRange(const BeaconTiming& t) const;
  void ForgetExpiredPageViews(SimTime now);
  bool TakeToken(Ipv4Address client, SimTime now);
  void Feed(const Beacon& beacon, GroupIndex group, const std::vector<PopIndex>& pops, SimTime now);

  const RoutingCatalog* catalog_;
  GroupPrefixIndex groups_;
  MeasurementStore* store_;
  Clock& clock_;
  MetricsSink& metrics_;
  BeaconCollectorConfig config_;
  std::map<BeaconVerdict, std::uint64_t> counts_;
  std::map<std::string, PopIndex> pop_by_id_;
  // Page views accepted within replay_window, oldest first in the queue.
  std::unordered_set<std::string> recent_page_views_;
  std::deque<std::pair<SimTime, std::string>> page_view_expiry_;
  std::map<std::uint32_t, Bucket> buckets_;  // by client address; full (idle) buckets are pruned
};

}  // namespace cdnlab
