#include "analysis/report/federation_plots.h"

#include <map>

#include <fmt/format.h>

namespace cdnlab::report {

PlotSection BuildFederationSection(const RunReportData& run) {
  PlotSection s;
  s.id = "federation";
  s.title = "Federation (CDNI triggers)";
  if (!run.federation) {
    s.absent_reason = "this run has no federation experiment (summary.json has no \"federation\" key), so there "
                      "is no command completion CDF.";
    return s;
  }
  s.present = true;
  std::map<std::string, std::vector<double>> by_type;
  std::vector<double> all;
  std::size_t incomplete = 0;
  for (const auto& c : run.federation->commands) {
    if (c.type == "cancel") continue;
    if (!c.completion_ms) {
      ++incomplete;
      continue;
    }
    by_type[c.type].push_back(*c.completion_ms);
    all.push_back(*c.completion_ms);
  }
  if (all.empty()) {
    s.notes.push_back(fmt::format("Command completion CDF omitted: no command in commands.csv has a completion "
                                  "time ({} commands never completed).",
                                  incomplete));
    return s;
  }
  Plot p;
  p.id = "command_completion_cdf";
  p.title = "Command completion CDF";
  std::string clauses;
  auto add = [&](const std::string& name, const std::vector<double>& v, const char* style) {
    const std::string file = "completion_" + SafeFileStem(name) + ".dat";
    p.data_files.emplace_back(file, CdfData(v));
    if (!clauses.empty()) clauses += ", \\\n     ";
    clauses += fmt::format("{} using 1:2 with steps {} title {}", GnuplotString(file), style,
                           GnuplotString(fmt::format("{} (n={})", name, v.size())));
    ++p.series;
  };
  add("all commands", all, "lw 3 lc rgb 'black'");
  if (by_type.size() > 1) {
    for (const auto& [type, v] : by_type) add(type, v, "lw 2");
  }
  p.caption = fmt::format(
      "Fraction of commands completed (acknowledged by every targeted server) within x ms of being issued, "
      "from commands.csv completion_ms; {} commands completed, {} never did (not plotted); cancels excluded.",
      all.size(), incomplete);
  p.script = fmt::format(
      "set grid\nset key bottom right box\nset xlabel 'completion time (ms)'\n"
      "set ylabel 'fraction of completed commands'\nset yrange [0:1.02]\nplot {}\n",
      clauses);
  s.plots.push_back(std::move(p));
  return s;
}

}  // namespace cdnlab::report
