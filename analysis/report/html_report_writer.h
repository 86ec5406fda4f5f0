#pragma once
// Assembles the report page: one self-contained HTML file (inline CSS, inline SVG, no scripts,
// no external resources). Checkable structure for tests and tools:
//   <section data-section="ID" data-present="true|false"> per section, with the absent reason
//   in <p class="absent"> when false;
//   <figure class="plot" data-plot="PLOT_ID" data-series="N"> per plot, holding the gnuplot
//   SVG whose data series are <g class="gnuplot-series" id="PLOT_ID-series-K">.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "analysis/report/plot.h"

namespace cdnlab::report {

struct HtmlReportInput {
  std::string title;
  std::vector<std::pair<std::string, std::string>> info;  // (key, value) rows: scenario, seed, ...
  std::string summary_html;                               // tables (already HTML)
  std::vector<PlotSection> sections;
  std::map<std::string, std::string> svgs;               // plot id -> embeddable SVG
  std::string details_html;                               // the flattened summary (already HTML)
};

std::string RenderHtmlReport(const HtmlReportInput& input);

// Writes `text` to `path`; throws ReportToolError on failure.
void WriteReportFile(const std::string& path, const std::string& text);

}  // namespace cdnlab::report
