#include "cli/report_command.h"

#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "analysis/report/builder.h"
#include "analysis/report/error.h"

namespace cdnlab::cli {

namespace {
constexpr int kExitToolFailure = 1;
constexpr int kExitBadInput = 2;
}  // namespace

void AddReportCommand(CLI::App& app) {
  auto options = std::make_shared<report::ReportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Write an HTML report with plots (gnuplot) of a `cdnlab run` or `cdnlab sweep` output directory");
  cmd->add_option("dir", options->input_dir, "Output directory of `cdnlab run` (summary.json) or `cdnlab sweep`")
      ->required();
  cmd->add_option("--out", options->output_file, "HTML file to write (default DIR/report.html)");
  cmd->add_option("--work-dir", options->work_dir, "Where gnuplot scripts, data and SVGs go (default DIR/report)");
  cmd->add_option("--gnuplot", options->gnuplot, "gnuplot program (name in PATH or path)")->capture_default_str();
  cmd->callback([options] {
    const auto start = std::chrono::steady_clock::now();
    try {
      const auto result = report::GenerateReport(*options);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::string absent;
      for (const auto& s : result.absent_sections) absent += (absent.empty() ? "" : ", ") + s;
      std::cout << fmt::format("report: {} ({} plots{}; {:.2f} s; plot scripts in {})\n", result.output_file,
                               result.plots, absent.empty() ? "" : "; absent: " + absent, seconds, result.work_dir);
    } catch (const report::ReportInputError& e) {
      std::cerr << "cdnlab report: " << e.what() << '\n';
      throw CLI::RuntimeError(kExitBadInput);
    } catch (const report::ReportToolError& e) {
      std::cerr << "cdnlab report: " << e.what() << '\n';
      throw CLI::RuntimeError(kExitToolFailure);
    }
  });
}

}  // namespace cdnlab::cli
