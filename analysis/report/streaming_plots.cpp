#include "analysis/report/streaming_plots.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace cdnlab::report {
namespace {

std::optional<double> JsonNumber(const nlohmann::ordered_json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return std::nullopt;
  return j[key].get<double>();
}

std::optional<Plot> StartupCdf(const StreamingReportData& d, std::vector<std::string>& notes) {
  std::vector<double> startup;
  std::size_t failed = 0;
  for (const auto& v : d.viewers) {
    if (v.startup_ms) startup.push_back(*v.startup_ms);
    if (v.failed_start) ++failed;
  }
  if (startup.empty()) {
    notes.push_back("Startup delay CDF omitted: no viewer in viewers.csv started playing.");
    return std::nullopt;
  }
  Plot p;
  p.id = "startup_delay_cdf";
  p.title = "Stream startup delay CDF";
  p.data_files.emplace_back("startup.dat", CdfData(startup));
  p.series = 1;
  p.caption = fmt::format(
      "Fraction of viewers that started playing within x ms of joining (viewers.csv startup_ms); {} of {} "
      "viewers started, {} failed to start (not plotted).",
      startup.size(), d.viewers.size(), failed);
  p.script = fmt::format(
      "set grid\nset key bottom right box\nset xlabel 'startup delay (ms)'\nset ylabel 'fraction of viewers'\n"
      "set yrange [0:1.02]\nplot 'startup.dat' using 1:2 with steps lw 2 title {}\n",
      GnuplotString(fmt::format("all viewers (n={})", startup.size())));
  return p;
}

std::optional<Plot> Stalls(const StreamingReportData& d, std::vector<std::string>& notes) {
  if (d.viewers.empty()) {
    notes.push_back("Stalls plot omitted: viewers.csv has no viewers.");
    return std::nullopt;
  }
  constexpr int kCap = 10;  // the last bar counts viewers with kCap stalls or more
  std::map<int, int> by_count;
  int max_count = 0;
  double stall_ms = 0;
  for (const auto& v : d.viewers) {
    const int c = std::min(kCap, static_cast<int>(std::lround(v.stalls)));
    by_count[c]++;
    max_count = std::max(max_count, c);
    stall_ms += v.stall_ms;
  }
  std::string data;
  for (int c = 0; c <= std::max(1, max_count); ++c) {
    data += fmt::format("{}\t{}\t{}\n", c, by_count.count(c) ? by_count[c] : 0,
                        c == kCap ? fmt::format(">={}", kCap) : std::to_string(c));
  }
  Plot p;
  p.id = "stalls";
  p.title = "Stalls per viewer";
  p.data_files.emplace_back("stalls.dat", data);
  p.series = 1;
  p.height = 360;
  p.caption = fmt::format(
      "Number of viewers by how many times their playback stalled (viewers.csv stalls); {} viewers, {:.1f} s "
      "stalled in total.",
      d.viewers.size(), stall_ms / 1000.0);
  p.script =
      "set grid ytics\nset key top right box\nset style fill solid 0.7 border -1\nset boxwidth 0.6\n"
      "set xlabel 'stalls during the session'\nset ylabel 'viewers'\nset yrange [0:*]\nset xrange [-0.6:*]\n"
      "plot 'stalls.dat' using 1:2:xtic(3) with boxes lc rgb '#4a7ebb' title 'viewers'\n";
  return p;
}

std::optional<Plot> TierOffload(const nlohmann::ordered_json& streaming, std::vector<std::string>& notes) {
  const nlohmann::ordered_json empty = nlohmann::ordered_json::object();
  const auto& requests = streaming.contains("offload_pct") ? streaming["offload_pct"] : empty;
  const auto& segments = streaming.contains("segment_offload_pct") ? streaming["segment_offload_pct"] : empty;
  std::string data;
  int rows = 0;
  for (const char* tier : {"edge", "mid", "ingest"}) {
    const auto r = JsonNumber(requests, tier);
    const auto s = JsonNumber(segments, tier);
    if (!r && !s) continue;
    data += fmt::format("{}\t{}\t{}\n", tier, r ? fmt::format("{:.6g}", *r) : "NaN",
                        s ? fmt::format("{:.6g}", *s) : "NaN");
    ++rows;
  }
  if (rows == 0) {
    notes.push_back("Tier offload omitted: summary.json streaming has no offload_pct by tier.");
    return std::nullopt;
  }
  Plot p;
  p.id = "tier_offload";
  p.title = "Offload by cache tier";
  p.data_files.emplace_back("offload.dat", data);
  p.series = 2;
  p.height = 360;
  p.caption =
      "Share of the requests reaching each tier that it answered itself (summary.json streaming.offload_pct: "
      "all requests; segment_offload_pct: media segments only). Higher is better.";
  p.script =
      "set grid ytics\nset key top right box\nset style data histogram\n"
      "set style histogram clustered gap 1\nset style fill solid 0.8 border -1\nset boxwidth 0.9\n"
      "set ylabel 'offload (%)'\nset yrange [0:105]\n"
      "plot 'offload.dat' using 2:xtic(1) title 'all requests' lc rgb '#4a7ebb', "
      "'' using 3 title 'segments' lc rgb '#e08a2c'\n";
  return p;
}

}  // namespace

PlotSection BuildStreamingSection(const RunReportData& run) {
  PlotSection s;
  s.id = "streaming";
  s.title = "Live streaming";
  if (!run.streaming) {
    s.absent_reason = "this run has no streaming experiment (summary.json has no \"streaming\" key), so there is "
                      "no startup delay CDF, stalls plot or tier offload.";
    return s;
  }
  s.present = true;
  if (auto p = StartupCdf(*run.streaming, s.notes)) s.plots.push_back(std::move(*p));
  if (auto p = Stalls(*run.streaming, s.notes)) s.plots.push_back(std::move(*p));
  if (auto p = TierOffload(run.summary["streaming"], s.notes)) s.plots.push_back(std::move(*p));
  return s;
}

}  // namespace cdnlab::report
