#include "analysis/streaming_summary.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "analysis/summary_json.h"
#include "analysis/weighted_percentile.h"

namespace cdnlab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Quantiles QuantilesOf(const std::vector<double>& values) {
  Quantiles q;
  q.count = values.size();
  if (values.empty()) {
    q.p50 = q.p95 = q.mean = kNaN;
    return q;
  }
  std::vector<WeightedValue> weighted;
  double sum = 0;
  for (double v : values) {
    weighted.push_back({v, 1});
    sum += v;
  }
  q.p50 = WeightedPercentile(weighted, 0.5);
  q.p95 = WeightedPercentile(weighted, 0.95);
  q.mean = sum / static_cast<double>(values.size());
  return q;
}

nlohmann::ordered_json Optional(const std::optional<double>& v) {
  return v ? SummaryNumber(*v) : nlohmann::ordered_json(nullptr);
}

double OffloadPct(double upstream, double served) { return served > 0 ? 100.0 * (1.0 - upstream / served) : kNaN; }

nlohmann::ordered_json Sessions(const std::map<std::string, std::size_t>& sessions) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [ingest, count] : sessions) j[ingest] = count;
  return j;
}

nlohmann::ordered_json PerTier(const std::map<std::string, double>& values) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const char* tier : {"edge", "mid", "ingest"}) {
    auto it = values.find(tier);
    if (it != values.end()) j[tier] = SummaryNumber(it->second);
  }
  return j;
}

}  // namespace

StreamingAggregate SummarizeStreaming(const StreamingRunResult& run) {
  StreamingAggregate a;
  a.viewers = run.viewers.size();
  std::vector<double> startup;
  std::vector<WeightedValue> latency;
  for (const auto& v : run.viewers) {
    if (v.startup_ms) {
      ++a.started;
      startup.push_back(*v.startup_ms);
    }
    if (v.failed_start) ++a.failed_starts;
    if (v.ended_s) {
      ++a.ended;
      if (!v.startup_ms) ++a.ended_before_start;
    }
    a.play_s += v.played_s;
    a.stall_s += v.stall_ms / 1000;
    a.stalls += v.stalls;
    a.skips += v.skips;
    a.skipped_s += v.skipped_ms / 1000;
    latency.insert(latency.end(), v.latency_ms.begin(), v.latency_ms.end());
  }
  a.latency = QuantilesOfLatency(latency);
  a.startup_ms = QuantilesOf(startup);
  a.stall_ratio = a.play_s + a.stall_s > 0 ? a.stall_s / (a.play_s + a.stall_s) : kNaN;

  for (const auto& s : run.availability) {
    std::optional<double> worst = 0.0;
    for (const auto& [edge, ms] : s.edges_ms) worst = ms && worst ? std::optional(std::max(*worst, *ms)) : std::nullopt;
    if (s.edges_ms.empty() || !s.first_segment_s) worst = std::nullopt;
    a.available_max_ms[s.stream] = worst;
  }

  std::map<std::string, double> requests, upstream, segment_requests, segment_upstream;
  for (const auto& c : run.caches) {
    auto& tier = a.upstream_per_tier[c.tier];
    const double total = tier.mean * static_cast<double>(tier.segments) + static_cast<double>(c.segment_upstream_requests);
    tier.segments += c.segments_fetched;
    tier.mean = tier.segments ? total / static_cast<double>(tier.segments) : 0;
    tier.max = std::max(tier.max, c.upstream_per_segment_max);
    requests[c.tier] += static_cast<double>(c.requests);
    upstream[c.tier] += static_cast<double>(c.upstream_requests);
    segment_requests[c.tier] += static_cast<double>(c.segment_requests);
    segment_upstream[c.tier] += static_cast<double>(c.segment_upstream_requests);
  }
  double at_ingests = 0, segments_at_ingests = 0;
  for (const auto& i : run.ingests) {
    at_ingests += static_cast<double>(i.requests_served);
    segments_at_ingests += static_cast<double>(i.segment_requests_served);
  }
  for (const char* tier : {"edge", "mid"}) {
    if (!requests.count(tier)) continue;
    a.offload_pct[tier] = OffloadPct(upstream[tier], requests[tier]);
    a.segment_offload_pct[tier] = OffloadPct(segment_upstream[tier], segment_requests[tier]);
  }
  a.offload_pct["ingest"] = OffloadPct(at_ingests, requests["edge"]);
  a.segment_offload_pct["ingest"] = OffloadPct(segments_at_ingests, segment_requests["edge"]);

  for (const auto& so : run.scale_outs) a.config_changes_on_scale_out += so.config_changes;
  std::optional<double> recovery = 0.0;
  for (const auto& f : run.failures) {
    if (f.ingest.empty()) continue;
    recovery = f.recovery_s && recovery ? std::optional(std::max(*recovery, *f.recovery_s)) : std::nullopt;
    if (!f.recovery_s || *f.recovery_s > f.bound.total_s) a.recovery_within_bound = false;
  }
  a.recovery_s = run.failures.empty() ? std::nullopt : recovery;
  return a;
}

nlohmann::ordered_json StreamingSummaryJson(const StreamingRunResult& run) {
  const StreamingAggregate a = SummarizeStreaming(run);
  nlohmann::ordered_json j;
  j["balancing"] = run.balancing;
  j["viewers"] = a.viewers;
  j["viewers_started"] = a.started;
  j["startup_delay_ms"] = QuantilesJson(a.startup_ms);
  // A ratio near 0 needs more than SummaryNumber's three decimals.
  j["stall_ratio"] = std::isfinite(a.stall_ratio) ? nlohmann::ordered_json(std::round(a.stall_ratio * 1e6) / 1e6)
                                                  : nlohmann::ordered_json(nullptr);
  j["stall_time_s"] = SummaryNumber(a.stall_s);
  j["play_time_s"] = SummaryNumber(a.play_s);
  j["stalls"] = a.stalls;
  j["failed_starts"] = a.failed_starts;
  j["viewers_ended"] = a.ended;
  j["viewers_ended_before_start"] = a.ended_before_start;
  j["skips"] = a.skips;
  j["skipped_s"] = SummaryNumber(a.skipped_s);
  j["latency_ms"] = {{"p50", a.latency.p50_ms ? SummaryNumber(*a.latency.p50_ms) : nlohmann::ordered_json(nullptr)},
                     {"p95", a.latency.p95_ms ? SummaryNumber(*a.latency.p95_ms) : nlohmann::ordered_json(nullptr)},
                     {"samples", static_cast<std::uint64_t>(a.latency.samples)}};

  nlohmann::ordered_json available = nlohmann::ordered_json::object();
  for (const auto& s : run.availability) {
    nlohmann::ordered_json edges = nlohmann::ordered_json::object();
    for (const auto& [edge, ms] : s.edges_ms) edges[edge] = Optional(ms);
    nlohmann::ordered_json mids = nlohmann::ordered_json::object();
    for (const auto& [mid, ms] : s.mids_ms) mids[mid] = Optional(ms);
    available[s.stream] = {{"first_segment_s", Optional(s.first_segment_s)},
                           {"edges", edges},
                           {"max", Optional(a.available_max_ms.at(s.stream))},
                           {"mids", mids}};
  }
  j["stream_available_ms"] = available;

  j["recovery_s"] = Optional(a.recovery_s);
  j["recovery_within_bound"] = a.recovery_within_bound;
  nlohmann::ordered_json failures = nlohmann::ordered_json::array();
  for (const auto& f : run.failures) {
    nlohmann::ordered_json reconnect = nlohmann::ordered_json::object();
    for (const auto& [stream, s] : f.publisher_reconnect_s) reconnect[stream] = Optional(s);
    nlohmann::ordered_json moved = nlohmann::ordered_json::object();
    for (const auto& [stream, ingest] : f.new_ingest) moved[stream] = ingest;
    failures.push_back({{"at_s", SummaryNumber(f.at_s)},
                        {"event", f.requested},
                        {"ingest", f.ingest},
                        {"streams", f.streams},
                        {"detection_s", Optional(f.detection_s)},
                        {"publisher_reconnect_s", reconnect},
                        {"new_ingest", moved},
                        {"recovery_s", Optional(f.recovery_s)},
                        {"affected_viewers", f.affected_viewers},
                        {"viewers_stalled", f.viewers_stalled},
                        {"viewers_resumed", f.viewers_resumed},
                        {"max_stalled_s", SummaryNumber(f.max_stalled_s)},
                        {"bound_s",
                         {{"detection", SummaryNumber(f.bound.detection_s)},
                          {"reconnect", SummaryNumber(f.bound.reconnect_s)},
                          {"switch", SummaryNumber(f.bound.switch_s)},
                          {"playlist_refresh", SummaryNumber(f.bound.playlist_refresh_s)},
                          {"segment", SummaryNumber(f.bound.segment_s)},
                          {"total", SummaryNumber(f.bound.total_s)}}},
                        {"within_bound", f.recovery_s.has_value() && *f.recovery_s <= f.bound.total_s}});
  }
  j["failures"] = failures;

  nlohmann::ordered_json nodes = nlohmann::ordered_json::object();
  for (const auto& c : run.caches) {
    nodes[c.node] = {{"tier", c.tier},
                     {"mean", SummaryNumber(c.upstream_per_segment_mean)},
                     {"max", c.upstream_per_segment_max},
                     {"segments", c.segments_fetched},
                     {"requests", c.requests},
                     {"hits", c.hits},
                     {"collapsed", c.collapsed},
                     {"upstream_requests", c.upstream_requests},
                     {"upstream_failures", c.upstream_failures}};
  }
  nlohmann::ordered_json tiers = nlohmann::ordered_json::object();
  for (const char* tier : {"edge", "mid"}) {
    auto it = a.upstream_per_tier.find(tier);
    if (it == a.upstream_per_tier.end()) continue;
    tiers[tier] = {{"mean", SummaryNumber(it->second.mean)}, {"max", it->second.max}, {"segments", it->second.segments}};
  }
  j["upstream_requests_per_segment"] = {{"nodes", nodes}, {"tiers", tiers}};
  j["offload_pct"] = PerTier(a.offload_pct);
  j["segment_offload_pct"] = PerTier(a.segment_offload_pct);

  j["config_changes_on_scale_out"] = a.config_changes_on_scale_out;
  j["healthy_sessions_moved"] = run.healthy_sessions_moved;
  nlohmann::ordered_json scale_outs = nlohmann::ordered_json::array();
  for (const auto& so : run.scale_outs) {
    scale_outs.push_back({{"ingest", so.ingest},
                          {"at_s", SummaryNumber(so.at_s)},
                          {"servers_compared", so.servers_compared},
                          {"config_changes", so.config_changes},
                          {"changed_servers", so.changed_servers},
                          {"sessions_before", Sessions(so.sessions_before)},
                          {"sessions_just_after", Sessions(so.sessions_just_after)},
                          {"sessions_later", Sessions(so.sessions_later)},
                          {"later_at_s", SummaryNumber(so.later_at_s)},
                          {"streams_taken", so.streams_taken}});
  }
  j["scale_out"] = scale_outs;

  nlohmann::ordered_json ingests = nlohmann::ordered_json::array();
  for (const auto& i : run.ingests) {
    ingests.push_back({{"id", i.id},
                       {"join_at_s", SummaryNumber(i.join_at_s)},
                       {"failed_at_s", Optional(i.failed_at_s)},
                       {"segments_accepted", i.segments_accepted},
                       {"requests_served", i.requests_served},
                       {"streams", i.streams_held}});
  }
  j["ingests"] = ingests;
  nlohmann::ordered_json publishers = nlohmann::ordered_json::array();
  for (const auto& p : run.publishers) {
    publishers.push_back({{"stream", p.stream},
                          {"segments_published", p.segments_published},
                          {"reconnects", p.reconnects},
                          {"segments_dropped", p.segments_dropped},
                          {"ingest", p.last_ingest}});
  }
  j["publishers"] = publishers;
  j["uploads"] = {{"ok", run.uploads_ok}, {"failed", run.uploads_failed}};
  return j;
}

}  // namespace cdnlab
