#pragma once
#include <CLI/CLI.hpp>

namespace cdnlab::cli {

// `cdnlab report DIR [--out FILE.html] [--work-dir DIR] [--gnuplot PROGRAM]`: one self-contained
// HTML page with gnuplot plots (inline SVG) and the summary numbers of a `cdnlab run` output
// directory (routing, federation and/or streaming sections; absent ones say why) or of a
// `cdnlab sweep` one (mean and 95% CI per grid point, per metric). Default output
// DIR/report.html; plot scripts and data go to DIR/report/. Exit 0 on success, 2 on bad input
// (missing directory, no summary.json, malformed JSON or CSV row: the message names file:line),
// 1 when gnuplot is missing or fails (its exit status and stderr are printed).
void AddReportCommand(CLI::App& app);

}  // namespace cdnlab::cli
