#include "scenarios/import/rtt_override.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "scenarios/import/graphml_reader.h"
#include "scenarios/import/node_lookup.h"

namespace cdnlab {
namespace {

struct Endpoint {
  std::size_t node = 0;
  double access_ms = 0;  // one way, between the endpoint and its backbone node
  int group = -1;        // index into s.groups when it is a group (its access may be fitted)
};

std::optional<Endpoint> FindEndpoint(const ImportedScenario& s, const std::string& name) {
  for (const auto& p : s.pops) {
    if (p.id == name) return Endpoint{p.node, s.options.pop_access_ms};
  }
  for (std::size_t i = 0; i < s.groups.size(); ++i) {
    if (s.groups[i].id == name) return Endpoint{s.groups[i].node, s.groups[i].access_ms, static_cast<int>(i)};
  }
  for (const auto& r : s.resolvers) {
    if (r.id == name) return Endpoint{r.node, s.options.access_ms, -1};
  }
  for (std::size_t i = 0; i < s.topology.nodes.size(); ++i) {
    if (s.RouterId(i) == name) return Endpoint{i, 0, -1};
  }
  if (auto node = FindTopologyNode(s.topology, name)) return Endpoint{*node, 0, -1};
  return std::nullopt;
}

struct Measurement {
  std::string a, b;
  Endpoint ea, eb;
  double rtt_ms = 0;
  int line = 0;
};

}  // namespace

void ApplyRttMatrix(const RttMatrix& m, ImportedScenario& s) {
  std::vector<Endpoint> columns;
  for (std::size_t c = 0; c < m.columns.size(); ++c) {
    const auto e = FindEndpoint(s, m.columns[c]);
    if (!e) {
      throw ImportError(fmt::format("{}:{}: column {}: unknown name \"{}\" (not a PoP, group, resolver or router id, "
                                    "nor a node label or GraphML id of {})",
                                    m.file, m.header_line, c + 2, m.columns[c], s.source_file));
    }
    columns.push_back(*e);
  }
  std::vector<Measurement> measured;
  for (const auto& row : m.rows) {
    const auto e = FindEndpoint(s, row.name);
    if (!e) {
      throw ImportError(fmt::format("{}:{}: column 1: unknown name \"{}\" (not a PoP, group, resolver or router id, "
                                    "nor a node label or GraphML id of {})",
                                    m.file, row.line, row.name, s.source_file));
    }
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (!row.rtt_ms[c]) {
        if (row.name == m.columns[c] || (e->node == columns[c].node && e->access_ms == 0 && columns[c].access_ms == 0)) {
          continue;  // a node to itself
        }
        throw ImportError(fmt::format("{}:{}: column {} ({}): missing RTT for {} - {}", m.file, row.line, c + 2,
                                      m.columns[c], row.name, m.columns[c]));
      }
      if (row.name == m.columns[c]) continue;
      measured.push_back({row.name, m.columns[c], *e, columns[c], *row.rtt_ms[c], row.line});
    }
  }

  // Adjacent pairs set their link's delay (the mean of what they imply).
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> link_of;
  for (std::size_t l = 0; l < s.topology.links.size(); ++l) link_of[{s.topology.links[l].a, s.topology.links[l].b}] = l;
  std::map<std::size_t, std::vector<double>> implied;
  for (const auto& x : measured) {
    const auto key = std::make_pair(std::min(x.ea.node, x.eb.node), std::max(x.ea.node, x.eb.node));
    const auto it = link_of.find(key);
    if (it == link_of.end()) continue;
    implied[it->second].push_back(x.rtt_ms / 2 - x.ea.access_ms - x.eb.access_ms);
  }
  constexpr double kFloorMs = 0.01;
  for (const auto& [l, values] : implied) {
    double sum = 0;
    for (double v : values) sum += v;
    double delay = sum / values.size();
    const auto& link = s.topology.links[l];
    const std::string name = fmt::format("{} - {}", s.RouterId(link.a), s.RouterId(link.b));
    if (delay < kFloorMs) {
      s.rtt_report.push_back(fmt::format("{}: the measured RTT leaves {:.3f} ms one way after access links; set to {} ms",
                                         name, delay, kFloorMs));
      delay = kFloorMs;
    }
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    if (*hi - *lo > s.options.rtt_tolerance_ms / 2) {
      s.rtt_report.push_back(fmt::format("{}: measurements disagree ({:.3f} to {:.3f} ms one way); their mean is used",
                                         name, *lo, *hi));
    }
    s.link_delay_ms[l] = std::round(delay * 1000) / 1000;
    s.link_delay_from[l] = "rtt-matrix";
  }

  const auto d = AllPairsDelayMs(s.topology, s.link_delay_ms);
  const auto access = [&](const Endpoint& e) { return e.group >= 0 ? s.groups[e.group].access_ms : e.access_ms; };
  if (s.options.rtt_fit_access) {
    // Each measured group's access link takes half the mean residual of its pairs.
    std::map<int, std::vector<double>> residuals;
    for (const auto& x : measured) {
      const double simulated = 2 * (access(x.ea) + d[x.ea.node][x.eb.node] + access(x.eb));
      if (x.ea.group >= 0 && x.ea.group != x.eb.group) residuals[x.ea.group].push_back(x.rtt_ms - simulated);
      if (x.eb.group >= 0 && x.ea.group != x.eb.group) residuals[x.eb.group].push_back(x.rtt_ms - simulated);
    }
    for (const auto& [g, r] : residuals) {
      double mean = 0;
      for (double v : r) mean += v;
      mean /= r.size();
      ImportedGroup& group = s.groups[g];
      const double fitted = std::max(kFloorMs, std::round((group.access_ms + mean / 2) * 1000) / 1000);
      s.rtt_report.push_back(fmt::format("{}: access link {:.3f} -> {:.3f} ms one way (--rtt-fit-access: half the mean "
                                         "residual of its {} measured pair(s))",
                                         group.id, group.access_ms, fitted, r.size()));
      group.access_ms = fitted;
    }
  }

  // Every pair against the scenario's RTT.
  int disagree = 0;
  double worst = 0;
  std::vector<std::string> lines;
  for (const auto& x : measured) {
    const double simulated = 2 * (access(x.ea) + d[x.ea.node][x.eb.node] + access(x.eb));
    const double diff = simulated - x.rtt_ms;
    if (std::abs(diff) > s.options.rtt_tolerance_ms) {
      ++disagree;
      worst = std::max(worst, std::abs(diff));
      lines.push_back(fmt::format("{} - {}: measured {:.3f} ms, scenario {:.3f} ms ({:+.3f}) [{}:{}]", x.a, x.b, x.rtt_ms,
                                  simulated, diff, m.file, x.line));
    }
  }
  s.rtt_report.insert(s.rtt_report.begin(),
                      fmt::format("RTT matrix {}: {} pairs; {} set the delay of {} backbone links (RTT/2 minus access "
                                  "delays); {} pairs differ from the scenario's RTT by more than {} ms (largest {:.3f} ms)",
                                  m.file, measured.size(), std::count_if(measured.begin(), measured.end(), [&](const Measurement& x) {
                                    return link_of.count({std::min(x.ea.node, x.eb.node), std::max(x.ea.node, x.eb.node)}) > 0;
                                  }),
                                  implied.size(), disagree, s.options.rtt_tolerance_ms, worst));
  s.rtt_report.insert(s.rtt_report.end(), lines.begin(), lines.end());
}

}  // namespace cdnlab
