#include "analysis/routing_table.h"

#include <cmath>

#include <fmt/format.h>

namespace cdnlab {
namespace {

std::string Num(double v, int decimals = 1) {
  return std::isfinite(v) ? fmt::format("{:.{}f}", v, decimals) : std::string("-");
}

std::string SettleList(const RoutingPolicySummary& p) {
  if (p.events.empty()) return "-";
  std::string out;
  for (const auto& e : p.events) {
    if (!out.empty()) out += " ";
    out += fmt::format("{}s/{}g", Num(e.settle_s, 0), e.remapped_groups);
  }
  return out;
}

}  // namespace

std::string FormatRoutingTable(const std::vector<RoutingPolicySummary>& policies) {
  const auto row = [](auto&&... cols) {
    return fmt::format("{:<10} {:>10} {:>10} {:>11} {:>11} {:>8} {:>9} {:>9}  {}\n", cols...);
  };
  std::string out = row("policy", "regret p50", "regret p95", "download p50", "download p95", "dns upd",
                        "probe pkt", "dl failed", "settle/remapped per event");
  out += row("", "ms", "ms", "ms", "ms", "", "", "", "");
  for (const auto& p : policies) {
    out += row(p.policy, Num(p.regret_ms.p50), Num(p.regret_ms.p95), Num(p.download_ms.p50),
               Num(p.download_ms.p95), Num(p.dns_updates, 0), Num(p.probe_packets, 0), Num(p.downloads_failed, 0),
               SettleList(p));
  }
  return out;
}

}  // namespace cdnlab
