#pragma once
#include <CLI/CLI.hpp>

namespace cdnlab::cli {

// `cdnlab compare BASELINE.json RUN.json [--tolerance 5%] [--abs-tolerance 0.5]
// [--tolerance-for PATTERN=10%]... [--verbose]`: compares two summary.json files metric by
// metric (analysis/summary_comparison.h) and prints what worsened, improved or went missing.
// Exit 0 when nothing worsened beyond tolerance, 1 when something did (or went missing, or an
// identity such as the scenario name differs), 2 on bad input (unreadable file, invalid JSON,
// bad tolerance text).
void AddCompareCommand(CLI::App& app);

}  // namespace cdnlab::cli
