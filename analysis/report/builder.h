#pragma once
// `cdnlab report` end to end: reads a run (or sweep) output directory, builds the plot
// sections, renders each plot with gnuplot and writes the one-file HTML page.
#include <cstddef>
#include <string>
#include <vector>

namespace cdnlab::report {

struct ReportOptions {
  std::string input_dir;
  std::string output_file;  // empty: INPUT_DIR/report.html
  std::string work_dir;     // gnuplot scripts and data files; empty: INPUT_DIR/report
  std::string gnuplot = "gnuplot";
};

struct ReportResult {
  std::string output_file;
  std::string work_dir;
  std::size_t plots = 0;
  std::vector<std::string> present_sections;
  std::vector<std::string> absent_sections;
};

// Throws ReportInputError (bad input directory or file) or ReportToolError (gnuplot, I/O).
ReportResult GenerateReport(const ReportOptions& options);

}  // namespace cdnlab::report
