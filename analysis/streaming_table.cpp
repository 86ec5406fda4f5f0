#include "analysis/streaming_table.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "analysis/streaming_summary.h"

namespace cdnlab {
namespace {

std::string Num(double v, int decimals = 1) {
  return std::isfinite(v) ? fmt::format("{:.{}f}", v, decimals) : std::string("-");
}
std::string Num(const std::optional<double>& v, int decimals = 1) { return v ? Num(*v, decimals) : std::string("-"); }

std::string Sessions(const std::map<std::string, std::size_t>& sessions) {
  std::string out;
  for (const auto& [ingest, count] : sessions) out += fmt::format("{}{}={}", out.empty() ? "" : " ", ingest, count);
  return out.empty() ? "none" : out;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "none" : out;
}

}  // namespace

std::string FormatStreamingTable(const StreamingRunResult& run) {
  const StreamingAggregate a = SummarizeStreaming(run);
  std::string out;
  out += fmt::format("streaming ({}): {} viewers, {} started, {} failed starts, {} saw their stream end; startup p50 "
                     "{} ms, p95 {} ms; stall ratio {} ({} stalls, {} s stalled of {} s watched)\n",
                     run.balancing, a.viewers, a.started, a.failed_starts, a.ended, Num(a.startup_ms.p50),
                     Num(a.startup_ms.p95), Num(a.stall_ratio, 5), a.stalls, Num(a.stall_s), Num(a.play_s + a.stall_s, 0));
  out += fmt::format("  glass-to-glass latency p50 {} s, p95 {} s; {} s of content skipped in {} jumps\n",
                     Num(a.latency.p50_ms ? std::optional(*a.latency.p50_ms / 1000) : std::nullopt, 2),
                     Num(a.latency.p95_ms ? std::optional(*a.latency.p95_ms / 1000) : std::nullopt, 2),
                     Num(a.skipped_s), a.skips);

  // Availability: one column per edge.
  std::vector<std::string> edges;
  for (const auto& c : run.caches) {
    if (c.tier == "edge") edges.push_back(c.node);
  }
  std::size_t width = 9;
  for (const auto& e : edges) width = std::max(width, e.size());
  out += fmt::format("\n{:<8} {:>9}", "stream", "first seg");
  for (const auto& e : edges) out += fmt::format(" {:>{}}", e, width);
  out += fmt::format(" {:>{}}\n", "max", width);
  out += fmt::format("{:<8} {:>9}", "", "s");
  for (std::size_t i = 0; i <= edges.size(); ++i) out += fmt::format(" {:>{}}", "avail ms", width);
  out += "\n";
  for (const auto& s : run.availability) {
    out += fmt::format("{:<8} {:>9}", s.stream, Num(s.first_segment_s));
    for (const auto& e : edges) {
      auto it = s.edges_ms.find(e);
      out += fmt::format(" {:>{}}", it == s.edges_ms.end() ? "-" : Num(it->second), width);
    }
    out += fmt::format(" {:>{}}\n", Num(a.available_max_ms.at(s.stream)), width);
  }

  std::size_t node_width = 10;
  for (const auto& c : run.caches) node_width = std::max(node_width, c.node.size());
  const auto row = [&](const std::string& node, const std::string& tier, const std::string& requests,
                       const std::string& hit, const std::string& collapsed, const std::string& upstream,
                       const std::string& failures, const std::string& mean, const std::string& max) {
    return fmt::format("{:<{}} {:<4} {:>9} {:>6} {:>9} {:>8} {:>8} {:>11} {:>6}\n", node, node_width, tier, requests,
                       hit, collapsed, upstream, failures, mean, max);
  };
  out += "\n" + row("cache node", "tier", "requests", "hit %", "collapsed", "upstream", "failed", "up/segment", "max");
  for (const auto& c : run.caches) {
    out += row(c.node, c.tier, std::to_string(c.requests),
               Num(c.requests ? 100.0 * static_cast<double>(c.hits) / static_cast<double>(c.requests) : NAN),
               std::to_string(c.collapsed), std::to_string(c.upstream_requests), std::to_string(c.upstream_failures),
               Num(c.upstream_per_segment_mean, 3), std::to_string(c.upstream_per_segment_max));
  }
  for (const auto& [tier, u] : a.upstream_per_tier) {
    out += row("  " + tier + " tier", "", "", "", "", "", "", Num(u.mean, 3), std::to_string(u.max));
  }
  const auto pct = [&](const std::map<std::string, double>& m, const char* tier) {
    auto it = m.find(tier);
    return it == m.end() ? std::string("-") : Num(it->second) + "%";
  };
  out += fmt::format("offload (1 - upstream/served): edge tier {}, mid tier {}, ingests {} of viewer requests "
                     "(segments only: {}, {}, {})\n",
                     pct(a.offload_pct, "edge"), pct(a.offload_pct, "mid"), pct(a.offload_pct, "ingest"),
                     pct(a.segment_offload_pct, "edge"), pct(a.segment_offload_pct, "mid"),
                     pct(a.segment_offload_pct, "ingest"));

  out += "\n";
  for (const auto& so : run.scale_outs) {
    out += fmt::format("scale-out: {} joins at {} s: {} configuration changes on {} existing servers{}; healthy "
                       "sessions moved: {}\n",
                       so.ingest, Num(so.at_s), so.config_changes, so.servers_compared,
                       so.changed_servers.empty() ? "" : " (" + Join(so.changed_servers) + ")",
                       run.healthy_sessions_moved);
    out += fmt::format("  sessions per ingest: before {}; just after {}; at {} s {}; new streams on {}: {}\n",
                       Sessions(so.sessions_before), Sessions(so.sessions_just_after), Num(so.later_at_s),
                       Sessions(so.sessions_later), so.ingest, Join(so.streams_taken));
  }
  for (const auto& f : run.failures) {
    if (f.ingest.empty()) {
      out += fmt::format("failure at {} s ({}): no ingest held it\n", Num(f.at_s), f.requested);
      continue;
    }
    std::string reconnects;
    for (const auto& [stream, s] : f.publisher_reconnect_s) {
      reconnects += fmt::format("{}{} {} s -> {}", reconnects.empty() ? "" : ", ", stream, Num(s, 2),
                                f.new_ingest.count(stream) && !f.new_ingest.at(stream).empty() ? f.new_ingest.at(stream)
                                                                                                 : "-");
    }
    out += fmt::format("failure: {} fails at {} s holding {}: detected after {} s; publisher reconnected: {}\n",
                       f.ingest, Num(f.at_s), Join(f.streams), Num(f.detection_s, 2), reconnects.empty() ? "-" : reconnects);
    const auto& b = f.bound;
    out += fmt::format("  viewers: {} affected, {} stalled (at most {} s), {} resumed; all played again after {} s "
                       "(bound {} s = detection {} + reconnect {} + switch {} + playlist refresh {} + segment {}){}\n",
                       f.affected_viewers, f.viewers_stalled, Num(f.max_stalled_s, 2), f.viewers_resumed,
                       Num(f.recovery_s, 2), Num(b.total_s, 2),
                       Num(b.detection_s, 2), Num(b.reconnect_s, 2), Num(b.switch_s, 2), Num(b.playlist_refresh_s, 2),
                       Num(b.segment_s, 2),
                       f.recovery_s && *f.recovery_s <= b.total_s ? "" : "  ** NOT WITHIN THE BOUND **");
  }
  std::string pubs;
  for (const auto& p : run.publishers) {
    pubs += fmt::format("{}{}: {} segments, {} reconnects, {} dropped", pubs.empty() ? "" : "; ", p.stream,
                        p.segments_published, p.reconnects, p.segments_dropped);
  }
  out += fmt::format("publishers: {}; uploads {} ok, {} failed\n", pubs, run.uploads_ok, run.uploads_failed);
  return out;
}

}  // namespace cdnlab
