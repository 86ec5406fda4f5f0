#pragma once
// Reads a `cdnlab run` output directory (summary.json + CSVs) or a `cdnlab sweep` one
// (sweep.json). Every problem is a ReportInputError naming the directory or file:line.
#include <string>

#include "analysis/report/data.h"

namespace cdnlab::report {

enum class ReportInputKind { kRun, kSweep };

// kRun when DIR/summary.json exists, kSweep when only DIR/sweep.json does; throws
// ReportInputError when DIR is missing, not a directory, or holds neither file.
ReportInputKind DetectReportInput(const std::string& directory);

// summary.json, then for each experiment summary.json names ("routing", "federation",
// "streaming") its CSV files (regret.csv + mapping_changes.csv, commands.csv, viewers.csv).
RunReportData ReadRunReportData(const std::string& directory);

SweepReportData ReadSweepReportData(const std::string& directory);

// Reads and parses a JSON file that must hold an object; errors name the file (and nlohmann's
// line/column for a syntax error).
nlohmann::ordered_json ReadJsonObjectFile(const std::string& path);

}  // namespace cdnlab::report
