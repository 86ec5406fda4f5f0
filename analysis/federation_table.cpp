#include "analysis/federation_table.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "analysis/federation_summary.h"

namespace cdnlab {
namespace {

std::string Num(double v, int decimals = 1) {
  return std::isfinite(v) ? fmt::format("{:.{}f}", v, decimals) : std::string("-");
}
std::string Num(const std::optional<double>& v) { return v ? Num(*v) : std::string("-"); }

// Error codes with the number of servers each names, one entry per code in first-seen order
// ("econtent(7), ecdn(1)"); a code naming no server stands alone.
std::string Errors(const FederationCommandResult& c) {
  if (c.type == "cancel") return c.cancels.empty() ? "" : "cancels " + c.cancels;
  std::vector<std::pair<std::string, std::size_t>> codes;
  for (const auto& e : c.errors) {
    auto it = std::find_if(codes.begin(), codes.end(), [&](const auto& code) { return code.first == e.error; });
    if (it == codes.end()) it = codes.insert(codes.end(), {e.error, 0});
    it->second += e.servers.size();
  }
  std::string out;
  for (const auto& [code, servers] : codes) {
    if (!out.empty()) out += ", ";
    out += servers > 0 ? fmt::format("{}({})", code, servers) : code;
  }
  return out.empty() ? "-" : out;
}

}  // namespace

std::string FormatFederationTable(const FederationRunResult& run) {
  std::size_t id_width = 7;        // "command"
  std::size_t platform_width = 8;  // "platform"
  for (const auto& c : run.commands) {
    id_width = std::max(id_width, c.id.size());
    platform_width = std::max(platform_width, c.platform.size());
  }
  const auto row = [&](const std::string& id, const std::string& type, const std::string& platform,
                       const std::string& status, const std::string& targeted, const std::string& acked,
                       const std::string& wrong, const std::string& done, const std::string& bound,
                       const std::string& errors) {
    return fmt::format("{:<{}} {:<11} {:<{}} {:<10} {:>8} {:>5} {:>5} {:>9} {:>8}  {}\n", id, id_width, type,
                       platform, platform_width, status, targeted, acked, wrong, done, bound, errors);
  };
  std::string out = row("command", "type", "platform", "status", "targeted", "acked", "wrong", "done", "bound",
                        "errors (servers)");
  out += row("", "", "", "", "", "", "", "ms", "ms", "");
  for (const auto& c : run.commands) {
    if (c.type == "cancel") {
      out += row(c.id, c.type, c.platform, c.status, "", "", "", "", "", Errors(c));
      continue;
    }
    out += row(c.id, c.type, c.platform, c.status, std::to_string(c.targeted_servers.size()),
               std::to_string(c.acknowledged_servers.size()), std::to_string(c.wrongly_targeted_servers.size()),
               Num(c.completion_ms), Num(c.bound_ms), Errors(c));
  }
  const FederationAggregate a = SummarizeFederation(run);
  out += fmt::format(
      "completion p50/p95 {}/{} ms (bound {}/{} ms) over {} commands; messages {}, retries {}, lost to faults {}, "
      "wrongly targeted {}, all targeted acknowledged: {}\n",
      Num(a.completion_ms.p50), Num(a.completion_ms.p95), Num(a.bound_ms.p50), Num(a.bound_ms.p95),
      a.completion_ms.count, Num(a.messages_sent, 0), Num(a.retries, 0), run.datagrams_lost_to_faults,
      a.wrongly_targeted_total, a.all_targeted_acknowledged ? "yes" : "no");
  return out;
}

}  // namespace cdnlab
