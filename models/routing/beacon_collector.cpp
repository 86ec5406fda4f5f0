#include "models/routing/beacon_collector.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/routing/metric_names.h"

namespace cdnlab {
namespace {
// Above this many tracked clients, buckets that have refilled completely are dropped: a full
// bucket is the same as no bucket, so this bounds memory without changing any verdict.
constexpr std::size_t kPruneBucketsAbove = 4096;
}  // namespace

const char* BeaconVerdictName(BeaconVerdict v) {
  switch (v) {
    case BeaconVerdict::kAccepted: return "accepted";
    case BeaconVerdict::kUnknownClient: return "unknown_client";
    case BeaconVerdict::kUnknownPop: return "unknown_pop";
    case BeaconVerdict::kOutOfRange: return "out_of_range";
    case BeaconVerdict::kStale: return "stale";
    case BeaconVerdict::kReplayed: return "replayed";
    case BeaconVerdict::kRateLimited: return "rate_limited";
  }
  return "unknown";
}

BeaconCollector::BeaconCollector(const RoutingCatalog& catalog, MeasurementStore& store, Clock& clock,
                                 MetricsSink& metrics, BeaconCollectorConfig config)
    : catalog_(&catalog), groups_(catalog), store_(&store), clock_(clock), metrics_(metrics), config_(config) {
  if (!(config_.min_ms >= 0 && config_.max_ms > config_.min_ms)) {
    throw std::invalid_argument("BeaconCollector: need 0 <= min_ms < max_ms");
  }
  if (!(config_.rate_per_client_per_s >= 0) || !(config_.burst_per_client >= 1)) {
    throw std::invalid_argument("BeaconCollector: need rate_per_client_per_s >= 0 and burst_per_client >= 1");
  }
  if (config_.max_clock_skew < Duration::zero() || config_.replay_window < Duration::zero()) {
    throw std::invalid_argument("BeaconCollector: max_clock_skew and replay_window must not be negative");
  }
  Rebind(catalog, store);
}

void BeaconCollector::Rebind(const RoutingCatalog& catalog, MeasurementStore& store) {
  if (store.Groups() != catalog.groups.size() || store.Pops() != catalog.pops.size()) {
    throw std::invalid_argument("BeaconCollector: the store's shape does not match the catalog");
  }
  catalog_ = &catalog;
  groups_ = GroupPrefixIndex(catalog);
  store_ = &store;
  pop_by_id_.clear();
  for (PopIndex p = 0; p < catalog.pops.size(); ++p) pop_by_id_.emplace(catalog.pops[p].id, p);
}

BeaconVerdict BeaconCollector::Accept(const Beacon& beacon) {
  const SimTime now = clock_.Now();
  GroupIndex group = 0;
  std::vector<PopIndex> pops;
  const BeaconVerdict verdict = Check(beacon, now, group, pops);
  ++counts_[verdict];
  metrics_.Count(metric::kRumBeacons, 1, {{metric::kLabelVerdict, BeaconVerdictName(verdict)}});
  if (verdict == BeaconVerdict::kAccepted) Feed(beacon, group, pops, now);
  return verdict;
}

std::uint64_t BeaconCollector::Count(BeaconVerdict v) const {
  auto it = counts_.find(v);
  return it == counts_.end() ? 0 : it->second;
}

// Everything before the replay and rate checks is free of side effects, so a beacon refused
// for its content neither uses a token nor reserves its page view id.
BeaconVerdict BeaconCollector::Check(const Beacon& beacon, SimTime now, GroupIndex& group,
                                     std::vector<PopIndex>& pops) {
  const auto g = groups_.GroupOf(beacon.client);
  if (!g) return BeaconVerdict::kUnknownClient;
  group = *g;

  if (beacon.timings.empty()) return BeaconVerdict::kOutOfRange;
  for (const auto& t : beacon.timings) {
    auto it = pop_by_id_.find(t.pop);
    if (it == pop_by_id_.end()) return BeaconVerdict::kUnknownPop;
    pops.push_back(it->second);
  }
  for (const auto& t : beacon.timings) {
    if (!InRange(t)) return BeaconVerdict::kOutOfRange;
  }

  const double skew_s = beacon.page_time_s - config_.epoch_offset_s - ToSeconds(now);
  if (!(std::fabs(skew_s) <= ToSeconds(config_.max_clock_skew))) return BeaconVerdict::kStale;

  ForgetExpiredPageViews(now);
  if (recent_page_views_.count(beacon.page_view_id) != 0) return BeaconVerdict::kReplayed;
  if (!TakeToken(beacon.client, now)) return BeaconVerdict::kRateLimited;
  recent_page_views_.insert(beacon.page_view_id);
  page_view_expiry_.emplace_back(now, beacon.page_view_id);
  return BeaconVerdict::kAccepted;
}

bool BeaconCollector::InRange(const BeaconTiming& t) const {
  const auto in_range = [this](const std::optional<double>& ms) {
    return !ms || (*ms >= config_.min_ms && *ms <= config_.max_ms);
  };
  if (!in_range(t.rtt_ms) || !in_range(t.duration_ms)) return false;
  // Resource Timing: responseStart - requestStart can never exceed the whole fetch.
  if (t.rtt_ms && t.duration_ms && *t.rtt_ms > *t.duration_ms) return false;
  // A completed fetch must say how long it took and that something arrived.
  if (t.ok && (!t.rtt_ms || t.bytes == 0)) return false;
  return true;
}

void BeaconCollector::ForgetExpiredPageViews(SimTime now) {
  while (!page_view_expiry_.empty() && now - page_view_expiry_.front().first > config_.replay_window) {
    recent_page_views_.erase(page_view_expiry_.front().second);
    page_view_expiry_.pop_front();
  }
}

bool BeaconCollector::TakeToken(Ipv4Address client, SimTime now) {
  const double burst = config_.burst_per_client;
  const double rate = config_.rate_per_client_per_s;
  const auto refilled = [&](const Bucket& b) {
    return std::min(burst, b.tokens + rate * ToSeconds(std::max(Duration::zero(), now - b.refilled_at)));
  };
  if (buckets_.size() > kPruneBucketsAbove) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      it = refilled(it->second) >= burst ? buckets_.erase(it) : std::next(it);
    }
  }
  auto [it, fresh] = buckets_.try_emplace(client.value, Bucket{burst, now});
  Bucket& b = it->second;
  if (!fresh) {
    b.tokens = refilled(b);
    b.refilled_at = now;
  }
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

void BeaconCollector::Feed(const Beacon& beacon, GroupIndex group, const std::vector<PopIndex>& pops, SimTime now) {
  for (std::size_t i = 0; i < beacon.timings.size(); ++i) {
    const BeaconTiming& t = beacon.timings[i];
    // A failed fetch is what a lost probe train is: loss 1 and no RTT.
    store_->AddSample(group, pops[i], now, t.ok ? t.rtt_ms : std::nullopt, t.ok ? 0.0 : 1.0);
    if (t.ok) {
      metrics_.Sample(metric::kRumRttMs, now, *t.rtt_ms,
                      {{metric::kLabelGroup, catalog_->groups[group].id}, {metric::kLabelPop, catalog_->pops[pops[i]].id}});
    }
  }
}

}  // namespace cdnlab
