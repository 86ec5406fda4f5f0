#pragma once
// How a cache in the model (the simulation's mids and edges) answers LL-HLS playlist requests
// with delivery directives, as realnet's BlockingReloadForwarder does on real sockets: the
// request goes upstream with its directives (the parent cache, or the ingest the directory
// names), identical waiting requests are collapsed into one upstream request
// (BlockingReloadRegistry), and a blocking reload's answer is kept for `keep`: a later request
// with the same _HLS_msn/_HLS_part is already satisfied by it. The upstream's refusals (400,
// 503) pass through; a fetch that gets no answer (the upstream died in a failover) is tried
// again every 250 ms for up to 3 s, the upstream named anew each time, then answered 502; one
// waiting on an upstream that the directory no longer names is asked of the new one (Reroute).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "models/net/endpoint.h"
#include "models/ports/clock.h"
#include "models/ports/timer_scheduler.h"
#include "models/streaming/blocking_reload_registry.h"
#include "models/streaming/low_latency_fetcher.h"

namespace cdnlab {

struct BlockingReloadRelayStats {
  std::uint64_t requests = 0;
  std::uint64_t hits = 0;       // answered from a kept answer
  std::uint64_t collapsed = 0;  // joined an identical request already waiting upstream
  std::uint64_t upstream_requests = 0;
  std::uint64_t upstream_failures = 0;  // no answer (timeout, refused): tried again or 502
};

class BlockingReloadRelay {
 public:
  // Where a stream's playlist comes from now; nullopt: nowhere known (404).
  using Upstream = std::function<std::optional<Endpoint>(const StreamId& stream)>;

  BlockingReloadRelay(std::string node, Duration keep, Upstream upstream, LowLatencyPlaylistFetcher& fetcher,
                      TimerScheduler& timers, const Clock& clock);
  ~BlockingReloadRelay();
  BlockingReloadRelay(const BlockingReloadRelay&) = delete;
  BlockingReloadRelay& operator=(const BlockingReloadRelay&) = delete;

  void Serve(const LowLatencyPlaylistRequest& request, LowLatencyPlaylistFetcher::Done done);
  // A stream's upstream may have moved (a failover re-announced it at another ingest): the
  // requests waiting on the old one are asked of the new one at once, and the old one's answer,
  // if it ever comes, is ignored (a dead ingest gives none until the fetch's timeout, which
  // must exceed the blocking bound).
  void Reroute();
  const BlockingReloadRelayStats& Stats() const { return stats_; }
  std::size_t Waiting() const { return waiting_.Waiting(); }

 private:
  using Key = std::pair<StreamId, DeliveryDirectives>;
  struct Fetching {
    Endpoint to;
    std::uint64_t attempt = 0;
    SimTime retry_until{0};
  };
  struct Kept {
    LowLatencyAnswer answer;
    SimTime until{0};
  };
  void Fetch(const Key& key, SimTime retry_until);
  void RetryLater(const Key& key, SimTime retry_until, LowLatencyAnswer otherwise);
  LowLatencyAnswer Local(int status) const;

  std::string node_;
  Duration keep_;
  Upstream upstream_;
  LowLatencyPlaylistFetcher& fetcher_;
  TimerScheduler& timers_;
  const Clock& clock_;
  BlockingReloadRegistry<Key, LowLatencyAnswer> waiting_;
  std::map<Key, Kept> kept_;
  std::map<Key, Fetching> fetching_;  // the upstream request of each waiting group, while out
  std::uint64_t attempts_ = 0;
  BlockingReloadRelayStats stats_;
  std::set<TimerId> retries_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // fetch callbacks after destruction do nothing
};

}  // namespace cdnlab
