#pragma once
// One plot of the report: gnuplot commands plus the small data files they read, and how it is
// labelled in the HTML page. Plot builders (routing_plots, federation_plots, streaming_plots,
// sweep_plots) fill it; GnuplotRunner renders it to SVG; HtmlReportWriter embeds it.
#include <string>
#include <utility>
#include <vector>

namespace cdnlab::report {

struct Plot {
  std::string id;       // stable id, e.g. "regret_cdf"; the figure's data-plot attribute
  std::string title;    // heading above the plot
  std::string caption;  // one or two sentences under it
  // gnuplot commands after the terminal and output are set; file names are relative to the
  // directory the data files are written to (gnuplot runs there).
  std::string script;
  std::vector<std::pair<std::string, std::string>> data_files;  // (file name, content)
  int series = 0;       // data series (plot clauses) drawn: the figure's data-series attribute
  int width = 900;
  int height = 420;
};

// A section of the report that is present or absent (with the reason shown in the page).
struct PlotSection {
  std::string id;     // "routing", "federation", "streaming", "sweep"
  std::string title;
  bool present = false;
  std::string absent_reason;
  std::vector<Plot> plots;
  std::vector<std::string> notes;  // e.g. a plot skipped for lack of data, and why
};

// A gnuplot string literal (double-quoted, backslashes and quotes escaped).
std::string GnuplotString(const std::string& text);
// A file-name-safe form of a label ("probe-ecs" stays, "a b/c" becomes "a_b_c").
std::string SafeFileStem(const std::string& label);
// Samples sorted and reduced to at most `max_points` (value, cumulative fraction) rows, one
// per line, tab-separated; always keeps the minimum and maximum, and starts at (0, 0) (or at
// the minimum when it is negative).
std::string CdfData(std::vector<double> samples, std::size_t max_points = 600);

}  // namespace cdnlab::report
