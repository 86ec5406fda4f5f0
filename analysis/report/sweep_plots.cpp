#include "analysis/report/sweep_plots.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace cdnlab::report {
namespace {

struct SeriesKey {
  std::string plot;    // metric with the policy label replaced by '*'
  std::string series;  // policy label, or the metric itself
};

SeriesKey KeyOf(const std::string& metric) {
  if (metric.rfind("routing.", 0) == 0) {
    const auto dot = metric.find('.', 8);
    if (dot != std::string::npos) return {"routing.*." + metric.substr(dot + 1), metric.substr(8, dot - 8)};
  }
  return {metric, metric};
}

}  // namespace

PlotSection BuildSweepSection(const SweepReportData& sweep, std::size_t max_plots) {
  PlotSection s;
  s.id = "sweep";
  s.title = "Parameter sweep";
  s.present = true;
  const auto& points = sweep.sweep["points"];
  // plot key -> series -> per point (mean, ci95) ; first-appearance order
  std::vector<std::string> plot_order;
  std::map<std::string, std::vector<std::string>> series_order;
  std::map<std::string, std::map<std::string, std::map<std::size_t, std::pair<double, double>>>> values;
  for (std::size_t i = 0; i < points.size(); ++i) {
    for (const auto& [metric, stats] : points[i]["metrics"].items()) {
      if (!stats.is_object() || !stats.contains("mean") || !stats["mean"].is_number()) continue;
      const auto key = KeyOf(metric);
      if (!values.count(key.plot)) plot_order.push_back(key.plot);
      auto& per_series = values[key.plot];
      if (!per_series.count(key.series)) series_order[key.plot].push_back(key.series);
      const double ci = stats.contains("ci95") && stats["ci95"].is_number() ? stats["ci95"].get<double>() : 0.0;
      per_series[key.series][i] = {stats["mean"].get<double>(), ci};
    }
  }
  if (plot_order.empty()) {
    s.notes.push_back("No plots: sweep.json has no numeric metrics.");
    return s;
  }
  if (plot_order.size() > max_plots) {
    s.notes.push_back(fmt::format("Only the first {} of {} metrics are plotted.", max_plots, plot_order.size()));
    plot_order.resize(max_plots);
  }
  std::string xtics;
  for (std::size_t i = 0; i < points.size(); ++i) {
    xtics += fmt::format("{}{} {}", i ? ", " : "", GnuplotString(points[i]["point"].get<std::string>()), i);
  }
  const std::size_t n_points = points.size();
  for (std::size_t k = 0; k < plot_order.size(); ++k) {
    const auto& key = plot_order[k];
    Plot p;
    p.id = fmt::format("sweep_{:02}", k + 1);
    p.title = key;
    p.height = 340;
    std::string clauses;
    const auto& series = series_order[key];
    for (std::size_t j = 0; j < series.size(); ++j) {
      // Offset the series a little so error bars do not hide each other.
      const double offset = series.size() > 1 ? (static_cast<double>(j) / (series.size() - 1) - 0.5) * 0.2 : 0.0;
      std::string data;
      for (const auto& [i, mc] : values[key][series[j]]) {
        data += fmt::format("{:.6g}\t{:.10g}\t{:.10g}\n", i + offset, mc.first, mc.second);
      }
      const std::string file = fmt::format("{}_{}.dat", p.id, j + 1);
      p.data_files.emplace_back(file, data);
      if (!clauses.empty()) clauses += ", \\\n     ";
      clauses += fmt::format("{} using 1:2:3 with yerrorlines lw 2 pt 7 title {}", GnuplotString(file),
                             GnuplotString(series[j] == key ? "mean" : series[j]));
      ++p.series;
    }
    p.caption = fmt::format("Mean of {} per grid point over its runs (seeds), with the 95% confidence interval of "
                            "the mean as error bars (none for a point with a single run).",
                            key);
    p.script = fmt::format(
        "set grid\nset key outside right top box\nset xtics ({})\nset xrange [-0.5:{}]\nset xlabel 'grid point'\n"
        "set ylabel {}\nplot {}\n",
        xtics, n_points - 0.5, GnuplotString(key), clauses);
    s.plots.push_back(std::move(p));
  }
  return s;
}

}  // namespace cdnlab::report
