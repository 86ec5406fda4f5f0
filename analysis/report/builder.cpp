#include "analysis/report/builder.h"

#include <filesystem>

#include <fmt/format.h>

#include "analysis/report/federation_plots.h"
#include "analysis/report/gnuplot_runner.h"
#include "analysis/report/html_report_writer.h"
#include "analysis/report/data_reader.h"
#include "analysis/report/routing_plots.h"
#include "analysis/report/streaming_plots.h"
#include "analysis/report/summary_tables.h"
#include "analysis/report/sweep_plots.h"

namespace cdnlab::report {
namespace fs = std::filesystem;
namespace {

HtmlReportInput RunInput(const RunReportData& run) {
  HtmlReportInput in;
  in.title = "cdnlab report: " + (run.scenario_name.empty() ? std::string("(unnamed scenario)") : run.scenario_name);
  in.info = {{"scenario", run.scenario_name},
             {"source", run.scenario_source},
             {"seed", std::to_string(run.seed)},
             {"duration (simulated s)", fmt::format("{:g}", run.duration_s)},
             {"results directory", run.directory}};
  in.sections = {BuildRoutingSection(run), BuildFederationSection(run), BuildStreamingSection(run)};
  const auto& s = run.summary;
  if (s.contains("routing")) in.summary_html += "<h3>Routing</h3>\n" + RoutingSummaryTable(s["routing"]);
  if (s.contains("federation")) in.summary_html += "<h3>Federation</h3>\n" + FederationSummaryTable(s["federation"]);
  if (s.contains("streaming")) in.summary_html += "<h3>Streaming</h3>\n" + StreamingSummaryTable(s["streaming"]);
  if (in.summary_html.empty()) in.summary_html = "<p>summary.json holds no experiment results.</p>\n";
  in.details_html = FlattenedJsonTable(s);
  return in;
}

HtmlReportInput SweepInput(const SweepReportData& sweep) {
  HtmlReportInput in;
  in.title = "cdnlab sweep report";
  std::string params;
  if (sweep.sweep.contains("parameters") && sweep.sweep["parameters"].is_array()) {
    for (const auto& p : sweep.sweep["parameters"]) params += (params.empty() ? "" : ", ") + FormatJsonScalar(p);
  }
  const std::size_t runs = sweep.sweep.contains("runs") && sweep.sweep["runs"].is_array() ? sweep.sweep["runs"].size() : 0;
  in.info = {{"grid parameters", params},
             {"grid points", std::to_string(sweep.sweep["points"].size())},
             {"runs", std::to_string(runs)},
             {"results directory", sweep.directory}};
  in.sections = {BuildSweepSection(sweep)};
  in.summary_html = SweepPointsTable(sweep.sweep);
  in.details_html = FlattenedJsonTable(sweep.sweep);
  return in;
}

}  // namespace

ReportResult GenerateReport(const ReportOptions& options) {
  const auto kind = DetectReportInput(options.input_dir);
  HtmlReportInput in = kind == ReportInputKind::kRun ? RunInput(ReadRunReportData(options.input_dir))
                                                     : SweepInput(ReadSweepReportData(options.input_dir));
  ReportResult result;
  result.output_file =
      options.output_file.empty() ? (fs::path(options.input_dir) / "report.html").string() : options.output_file;
  result.work_dir = options.work_dir.empty() ? (fs::path(options.input_dir) / "report").string() : options.work_dir;
  const GnuplotRunner runner(options.gnuplot, result.work_dir);
  for (const auto& section : in.sections) {
    (section.present ? result.present_sections : result.absent_sections).push_back(section.id);
    for (const auto& plot : section.plots) {
      in.svgs[plot.id] = runner.Render(plot);
      ++result.plots;
    }
  }
  WriteReportFile(result.output_file, RenderHtmlReport(in));
  return result;
}

}  // namespace cdnlab::report
