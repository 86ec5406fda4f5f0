#include "analysis/routing_table.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

namespace cdnlab {
namespace {

std::string Num(double v, int decimals = 1) {
  return std::isfinite(v) ? fmt::format("{:.{}f}", v, decimals) : std::string("-");
}

std::string SplitP50(const std::optional<Quantiles>& q) { return q ? Num(q->p50) : std::string("-"); }

std::string Beacons(const RumSummary& r) {
  if (r.beacons_accepted + r.beacons_rejected == 0) return "-";
  return fmt::format("{}/{}", r.beacons_accepted, r.beacons_rejected);
}

std::string Load(const OverloadSummary& o) { return o.peak_pop.empty() ? std::string("-") : Num(o.peak_ratio, 2); }

std::string SettleList(const RoutingPolicySummary& p) {
  std::string out;
  for (const auto& e : p.events) {
    if (!out.empty()) out += " ";
    out += fmt::format("{}s/{}g", Num(e.settle_s, 0), e.remapped_groups);
  }
  return out;
}

// One row: the label column sized to the longest label, then fixed-width numbers; the
// public/ISP columns only when some policy has that split, the IPv4/IPv6 ones likewise.
class TableRows {
 public:
  TableRows(std::size_t label_width, bool split, bool split_family)
      : label_width_(label_width), split_(split), split_family_(split_family) {}

  std::string Row(const std::string& label, const std::vector<std::string>& cells) const {
    static constexpr int kWidths[] = {6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 7, 6, 8, 4};
    std::string out = fmt::format("{:<{}}", label, label_width_);
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (!split_ && (i == 3 || i == 4)) continue;
      if (!split_family_ && (i == 5 || i == 6)) continue;
      out += fmt::format(" {:>{}}", cells[i], kWidths[i]);
    }
    return out + "\n";
  }

 private:
  std::size_t label_width_;
  bool split_;
  bool split_family_;
};

constexpr const char* kLegend =
    "rgt: regret ms vs the best PoP (p50, p95, mean; population-weighted, after warm-up); pub/isp: rgt p50 of users\n"
    "of public / ISP resolvers; dl: download ms; flap/h: answered-PoP changes per group per hour (mean, worst group);\n"
    "dnsq/m: queries at the authoritative per minute; pkt, kB /g/m: measurement traffic per group per minute (probe\n"
    "packets + RUM test fetches and beacons, one each; bytes); beacons: RUM accepted/rejected; load: peak PoP demand\n"
    "/ capacity.\n";

}  // namespace

std::string FormatRoutingTable(const std::vector<RoutingPolicySummary>& policies) {
  std::size_t label_width = 6;
  bool split = false;
  bool split_family = false;
  for (const auto& p : policies) {
    label_width = std::max(label_width, p.policy.size());
    split = split || p.regret_public_ms.has_value();
    split_family = split_family || p.regret_ipv6_ms.has_value();
  }
  const TableRows rows(label_width, split, split_family);
  std::string out = rows.Row("policy", {"rgt50", "rgt95", "rgtavg", "pub50", "isp50", "v4rg50", "v6rg50", "dl50", "dl95", "flap/h",
                                        "fl.max", "dnsq/m", "pkt/g/m", "kB/g/m", "beacons", "load"});
  for (const auto& p : policies) {
    out += rows.Row(p.policy, {Num(p.regret_ms.p50), Num(p.regret_ms.p95), Num(p.regret_ms.mean),
                               SplitP50(p.regret_public_ms),
                               SplitP50(p.regret_isp_ms), SplitP50(p.regret_ipv4_ms), SplitP50(p.regret_ipv6_ms),
                               Num(p.download_ms.p50), Num(p.download_ms.p95),
                               Num(p.flaps.per_group_per_hour, 2), Num(p.flaps.max_group_per_hour, 2),
                               Num(p.dns_queries_per_min), Num(p.overhead.packets_per_group_per_min),
                               Num(p.overhead.bytes_per_group_per_min / 1000, 2), Beacons(p.rum), Load(p.overload)});
  }
  out += kLegend;
  if (split_family) out += "v4rg50/v6rg50: rgt p50 of users over IPv4 / IPv6 (dual-stack groups count in both).\n";
  // What ECS costs in queries, next to the by-resolver run it is compared with.
  std::string ratios;
  for (const auto& p : policies) {
    if (!p.ecs_query_rate_over_resolver) continue;
    const double ratio = *p.ecs_query_rate_over_resolver;
    ratios += fmt::format("{}{} {} ({})", ratios.empty() ? "" : ", ", p.policy,
                          std::isfinite(ratio) ? Num(ratio, 2) + "x" : std::string("-"), p.resolver_mapped_policy);
  }
  if (!ratios.empty()) out += "dnsq/m with ECS over mapping by resolver: " + ratios + "\n";
  const bool events = std::any_of(policies.begin(), policies.end(), [](const auto& p) { return !p.events.empty(); });
  if (!events) return out;
  out += "settle time / remapped groups per timeline event:\n";
  for (const auto& p : policies) out += fmt::format("{:<{}} {}\n", p.policy, label_width, SettleList(p));
  return out;
}

}  // namespace cdnlab
