#pragma once
// Renders a Plot with gnuplot's svg terminal: writes the plot's data files and script into a
// work directory, runs `gnuplot SCRIPT` there, checks its exit status and returns the SVG text
// ready to inline in HTML (XML prolog dropped, ids prefixed with the plot id so several SVGs
// can share one page, each data series' group marked class="gnuplot-series").
#include <string>

#include "analysis/report/plot.h"

namespace cdnlab::report {

class GnuplotRunner {
 public:
  // `program`: "gnuplot" (looked up in PATH) or a path. `work_dir` is created if missing.
  GnuplotRunner(std::string program, std::string work_dir);

  // Throws ReportToolError when gnuplot is not found ("install gnuplot-nox") or fails (exit
  // status and its stderr in the message), or produced no SVG.
  std::string Render(const Plot& plot) const;

  const std::string& work_dir() const { return work_dir_; }

 private:
  std::string program_;
  std::string work_dir_;
};

// The gnuplot SVG made embeddable (see above); exposed for tests.
std::string EmbeddableSvg(const std::string& svg, const std::string& plot_id);

// The program's full path if found (PATH lookup for a bare name), empty otherwise.
std::string FindProgram(const std::string& program);

}  // namespace cdnlab::report
