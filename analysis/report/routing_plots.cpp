#include "analysis/report/routing_plots.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace cdnlab::report {
namespace {

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(std::floor(q * (v.size() - 1)));
  return v[i];
}

std::optional<Plot> RegretCdf(const RoutingReportData& r, std::vector<std::string>& notes) {
  Plot p;
  p.id = "regret_cdf";
  p.title = "Regret CDF per policy";
  std::string clauses;
  double x_max = 0;
  std::size_t total = 0;
  for (const auto& label : r.policies) {
    const auto& samples = r.regret_ms.at(label);
    if (samples.empty()) {
      notes.push_back(fmt::format("Regret CDF: policy '{}' has no regret samples in regret.csv.", label));
      continue;
    }
    const std::string file = "regret_" + SafeFileStem(label) + ".dat";
    p.data_files.emplace_back(file, CdfData(samples));
    x_max = std::max(x_max, Quantile(samples, 0.99));
    total += samples.size();
    if (!clauses.empty()) clauses += ", \\\n     ";
    clauses += fmt::format("{} using 1:2 with steps lw 2 dt {} title {}", GnuplotString(file), 1 + p.series / 8,
                           GnuplotString(fmt::format("{} (n={})", label, samples.size())));
    ++p.series;
  }
  if (p.series == 0) return std::nullopt;
  if (x_max <= 0) x_max = 1;
  p.caption = fmt::format(
      "Fraction of regret samples (ms of extra latency versus the best PoP) at or below x, one curve per "
      "policy label; {} samples from regret.csv. The x axis stops at the largest per-policy 99th percentile "
      "({:.3g} ms) so the bulk stays readable.",
      total, x_max);
  p.script = fmt::format(
      "set grid\nset key bottom right box\nset xlabel 'regret (ms)'\nset ylabel 'fraction of samples'\n"
      "set yrange [0:1.02]\nset xrange [0:{:.6g}]\nplot {}\n",
      x_max * 1.05, clauses);
  return p;
}

Plot MappingTimeline(const RunReportData& run, const RoutingReportData& r) {
  double duration = run.duration_s;
  for (const auto& c : r.changes) duration = std::max(duration, c.time_s);
  if (duration <= 0) duration = 1;
  const double bin = TimelineBinSeconds(duration);
  const auto bins = static_cast<std::size_t>(std::ceil(duration / bin));
  std::map<std::string, std::vector<int>> counts;
  for (const auto& label : r.policies) counts[label].assign(bins, 0);
  for (const auto& c : r.changes) {
    auto b = static_cast<std::size_t>(c.time_s / bin);
    if (b >= bins) b = bins - 1;
    counts[c.policy][b]++;
  }
  Plot p;
  p.id = "mapping_timeline";
  p.title = "Mapping timeline: mapping changes over time per policy";
  std::string clauses;
  std::string totals;
  for (const auto& label : r.policies) {
    const auto& v = counts[label];
    std::string data;
    int total = 0;
    for (std::size_t b = 0; b < bins; ++b) {
      data += fmt::format("{:.6g}\t{}\n", b * bin, v[b]);
      total += v[b];
    }
    data += fmt::format("{:.6g}\t{}\n", bins * bin, v.empty() ? 0 : v.back());  // close the last step
    const std::string file = "mapping_" + SafeFileStem(label) + ".dat";
    p.data_files.emplace_back(file, data);
    if (!clauses.empty()) clauses += ", \\\n     ";
    // gnuplot cycles 8 colours: later series get dashes so every policy stays distinguishable.
    clauses += fmt::format("{} using 1:2 with steps lw 2 dt {} title {}", GnuplotString(file), 1 + p.series / 8,
                           GnuplotString(fmt::format("{} ({} changes)", label, total)));
    totals += fmt::format("{}{} {}", totals.empty() ? "" : ", ", label, total);
    ++p.series;
  }
  p.caption = fmt::format(
      "Effective mapping changes (a group's answered PoP moved, mapping_changes.csv) per {:g} s bin, one step "
      "line per policy; a flat line at 0 means the policy kept every group on its PoP. Totals: {}.",
      bin, totals);
  p.script = fmt::format(
      "set grid\nset key top right box\nset xlabel 'simulated time (s)'\n"
      "set ylabel 'mapping changes per {:g} s'\nset xrange [0:{:.6g}]\nset yrange [-0.2:*]\nplot {}\n",
      bin, bins * bin, clauses);
  return p;
}

}  // namespace

double TimelineBinSeconds(double duration_s) {
  static const double kNice[] = {0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600};
  for (double b : kNice) {
    if (duration_s / b <= 60) return b;
  }
  return 3600;
}

PlotSection BuildRoutingSection(const RunReportData& run) {
  PlotSection s;
  s.id = "routing";
  s.title = "Request routing";
  if (!run.routing) {
    s.absent_reason = "this run has no routing experiment (summary.json has no \"routing\" key), so there is no "
                      "regret CDF or mapping timeline.";
    return s;
  }
  s.present = true;
  const auto& r = *run.routing;
  if (auto p = RegretCdf(r, s.notes)) {
    s.plots.push_back(std::move(*p));
  } else {
    s.notes.push_back("Regret CDF omitted: regret.csv has no samples for any policy.");
  }
  if (r.policies.empty()) {
    s.notes.push_back("Mapping timeline omitted: summary.json lists no routing policies.");
  } else {
    s.plots.push_back(MappingTimeline(run, r));
  }
  return s;
}

}  // namespace cdnlab::report
