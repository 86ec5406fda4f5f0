#include "models/streaming/blocking_reload_relay.h"

#include <algorithm>
#include <vector>

namespace cdnlab {
namespace {

constexpr Duration kRetryEvery = std::chrono::milliseconds(250);
constexpr Duration kRetryFor = std::chrono::seconds(3);  // > a failover's detection and re-announce

}  // namespace

BlockingReloadRelay::BlockingReloadRelay(std::string node, Duration keep, Upstream upstream,
                                         LowLatencyPlaylistFetcher& fetcher, TimerScheduler& timers,
                                         const Clock& clock)
    : node_(std::move(node)),
      keep_(keep),
      upstream_(std::move(upstream)),
      fetcher_(fetcher),
      timers_(timers),
      clock_(clock) {}

BlockingReloadRelay::~BlockingReloadRelay() {
  *alive_ = false;
  for (TimerId t : retries_) timers_.Cancel(t);
}

void BlockingReloadRelay::Serve(const LowLatencyPlaylistRequest& request, LowLatencyPlaylistFetcher::Done done) {
  ++stats_.requests;
  const SimTime now = clock_.Now();
  const Key key{request.stream, request.directives};
  // Forget what expired (the map stays as small as the requests of the last `keep`).
  for (auto it = kept_.begin(); it != kept_.end();) it = it->second.until <= now ? kept_.erase(it) : std::next(it);
  if (auto kept = kept_.find(key); kept != kept_.end()) {
    ++stats_.hits;
    LowLatencyAnswer answer = kept->second.answer;
    answer.served_by = node_;
    return done(answer);
  }
  // The deadline is unused: an upstream answer, or its failure, releases the group.
  if (!waiting_.Wait(key, now, std::move(done))) {
    ++stats_.collapsed;
    return;
  }
  if (!upstream_(request.stream)) return waiting_.Release(key, Local(404));
  Fetch(key, now + kRetryFor);
}

void BlockingReloadRelay::Fetch(const Key& key, SimTime retry_until) {
  const std::optional<Endpoint> to = upstream_(key.first);
  if (!to) return RetryLater(key, retry_until, Local(404));
  ++stats_.upstream_requests;
  const std::uint64_t attempt = ++attempts_;
  fetching_[key] = Fetching{*to, attempt, retry_until};
  fetcher_.Fetch(node_, *to, LowLatencyPlaylistRequest{key.first, key.second},
                 [this, alive = alive_, key, retry_until, attempt](const LowLatencyAnswer& upstream) {
                   if (!*alive) return;
                   auto out = fetching_.find(key);
                   if (out == fetching_.end() || out->second.attempt != attempt) return;  // rerouted since
                   fetching_.erase(out);
                   if (upstream.status == 0) {
                     ++stats_.upstream_failures;
                     return RetryLater(key, retry_until, Local(502));
                   }
                   LowLatencyAnswer answer = upstream;
                   answer.served_by = node_;
                   // Only a blocking reload's answer stays right (it holds what was asked for); a
                   // bare delta update must be as fresh as the playlist itself.
                   if (answer.Ok() && key.second.Blocking()) kept_[key] = Kept{answer, clock_.Now() + keep_};
                   waiting_.Release(key, answer);
                 });
}

void BlockingReloadRelay::Reroute() {
  std::vector<std::pair<Key, SimTime>> moved;
  for (const auto& [key, out] : fetching_) {
    const std::optional<Endpoint> now = upstream_(key.first);
    if (now && !(*now == out.to)) moved.emplace_back(key, out.retry_until);
  }
  for (const auto& [key, retry_until] : moved) Fetch(key, std::max(retry_until, clock_.Now() + kRetryFor));
}

void BlockingReloadRelay::RetryLater(const Key& key, SimTime retry_until, LowLatencyAnswer otherwise) {
  if (clock_.Now() + kRetryEvery > retry_until) return waiting_.Release(key, otherwise);
  auto timer = std::make_shared<TimerId>(0);
  *timer = timers_.ScheduleAfter(kRetryEvery, [this, key, retry_until, timer] {
    retries_.erase(*timer);
    Fetch(key, retry_until);
  });
  retries_.insert(*timer);
}

LowLatencyAnswer BlockingReloadRelay::Local(int status) const {
  LowLatencyAnswer a;
  a.status = status;
  a.served_by = node_;
  return a;
}

}  // namespace cdnlab
