#include "cli/compare_command.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/summary_comparison.h"

namespace cdnlab::cli {

namespace {

constexpr int kExitWorse = 1;
constexpr int kExitBadInput = 2;

struct CompareOptions {
  std::string baseline;
  std::string run;
  std::string tolerance;
  std::string abs_tolerance;
  std::vector<std::string> tolerance_for;
  bool verbose = false;
};

// Reads and parses a summary.json; throws std::runtime_error naming the file (and, for invalid
// JSON, nlohmann's message with line and column).
nlohmann::ordered_json ReadSummary(const std::string& role, const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw std::runtime_error(fmt::format("cannot read {} '{}': is a directory", role, path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read {} '{}': {}", role, path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw std::runtime_error(fmt::format("cannot read {} '{}'", role, path));
  nlohmann::ordered_json doc;
  try {
    doc = nlohmann::ordered_json::parse(text.str());
  } catch (const nlohmann::ordered_json::parse_error& e) {
    throw std::runtime_error(fmt::format("{} '{}' is not valid JSON: {}", role, path, e.what()));
  }
  if (!doc.is_object()) {
    throw std::runtime_error(fmt::format("{} '{}' is not a summary.json: the top level is not an object", role, path));
  }
  return doc;
}

std::string FormatNumber(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{:.6g}", v);
}

std::string FormatValue(const std::optional<nlohmann::ordered_json>& v) {
  if (!v) return "-";
  if (v->is_number_integer() || v->is_number_unsigned()) return v->dump();
  if (v->is_number_float()) return FormatNumber(v->get<double>());
  return v->dump();
}

std::string FormatChange(const MetricComparison& m) {
  if (!m.baseline || !m.run) return "";
  const auto& b = *m.baseline;
  const auto& r = *m.run;
  if (b.is_boolean() && r.is_boolean()) return b == r ? "" : fmt::format("{} -> {}", b.dump(), r.dump());
  if (!b.is_number() || !r.is_number()) return b == r ? "" : "changed";
  const double bv = b.get<double>();
  const double delta = r.get<double>() - bv;
  const std::string abs = (delta >= 0 ? "+" : "") + FormatNumber(delta);
  if (bv == 0) return abs;
  return fmt::format("{} ({:+.1f}%)", abs, 100.0 * delta / std::fabs(bv));
}

std::string FormatVerdict(const MetricComparison& m) {
  std::string v = VerdictName(m.verdict);
  if ((m.verdict == Verdict::kWorse || m.verdict == Verdict::kWorseWithinTolerance) && m.allowed > 0) {
    v += fmt::format(" (allowed {})", FormatNumber(m.allowed));
  }
  return v;
}

std::string DescribeTolerance(const ComparisonOptions& o, const std::vector<std::string>& overrides) {
  std::string s = fmt::format("tolerance: {}% relative, {} absolute (whichever allows more)",
                              FormatNumber(o.tolerance.relative * 100), FormatNumber(o.tolerance.absolute));
  if (!overrides.empty()) {
    s += "; overrides:";
    for (const auto& text : overrides) s += " " + text;
  }
  return s;
}

bool Shown(Verdict v, bool verbose) {
  if (verbose) return true;
  return v == Verdict::kWorse || v == Verdict::kWorseWithinTolerance || v == Verdict::kImproved ||
         v == Verdict::kMissing || v == Verdict::kIdentityDiffers || v == Verdict::kTypeChanged;
}

void PrintReport(const ComparisonReport& report, const CompareOptions& cli, const ComparisonOptions& options) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"metric", "baseline", "run", "change", "verdict"});
  // Failures first, then the rest, each in document order.
  for (const bool failures : {true, false}) {
    for (const auto& m : report.metrics) {
      if (IsFailure(m.verdict) != failures || !Shown(m.verdict, cli.verbose)) continue;
      rows.push_back({m.path, FormatValue(m.baseline), FormatValue(m.run), FormatChange(m), FormatVerdict(m)});
    }
  }
  std::cout << fmt::format("baseline: {}\nrun:      {}\n{}\n", cli.baseline, cli.run,
                           DescribeTolerance(options, cli.tolerance_for));
  if (rows.size() > 1) {
    std::vector<std::size_t> width(rows.front().size(), 0);
    for (const auto& row : rows) {
      for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    }
    std::cout << '\n';
    for (const auto& row : rows) {
      std::string line = fmt::format("{:<{}}  {:>{}}  {:>{}}  {:>{}}  {}", row[0], width[0], row[1], width[1], row[2],
                                     width[2], row[3], width[3], row[4]);
      while (!line.empty() && line.back() == ' ') line.pop_back();
      std::cout << line << '\n';
    }
    std::cout << '\n';
  } else {
    std::cout << "\nno metric worsened, improved or went missing\n\n";
  }
  const std::size_t compared = report.metrics.size() - report.Count(Verdict::kNotCompared) - report.Count(Verdict::kNew) -
                               report.Count(Verdict::kMissing);
  std::cout << fmt::format(
      "{} metrics compared: {} worse beyond tolerance, {} worse within tolerance, {} improved, {} unchanged, "
      "{} identities differing, {} no longer numbers; {} missing, {} new, {} not compared{}\n",
      compared, report.Count(Verdict::kWorse), report.Count(Verdict::kWorseWithinTolerance),
      report.Count(Verdict::kImproved), report.Count(Verdict::kUnchanged), report.Count(Verdict::kIdentityDiffers),
      report.Count(Verdict::kTypeChanged), report.Count(Verdict::kMissing), report.Count(Verdict::kNew),
      report.Count(Verdict::kNotCompared), cli.verbose ? "" : " (--verbose lists every metric)");
  std::cout << (report.Failed() ? "result: REGRESSION\n" : "result: ok\n");
}

}  // namespace

void AddCompareCommand(CLI::App& app) {
  auto cli = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare", "Compare a run's summary.json with a baseline; exit 1 when a metric worsened beyond tolerance");
  cmd->add_option("baseline", cli->baseline, "Baseline summary.json")->required();
  cmd->add_option("run", cli->run, "The run's summary.json")->required();
  CLI::Option* tolerance = cmd->add_option("--tolerance", cli->tolerance,
                  "Allowed relative worsening, e.g. 5% (default 0%); the larger of this and --abs-tolerance applies");
  CLI::Option* abs_tolerance = cmd->add_option("--abs-tolerance", cli->abs_tolerance,
                  "Allowed absolute worsening in the metric's unit, e.g. 0.5 (default 0), for metrics near zero");
  CLI::Option* tolerance_for = cmd->add_option("--tolerance-for", cli->tolerance_for,
                  "PATTERN=N% or PATTERN=N: relative or absolute tolerance for the dotted metric paths the glob "
                  "PATTERN matches (e.g. 'routing.*.regret_ms.*=10%'); repeatable, the last match wins");
  tolerance_for->allow_extra_args(false);
  cmd->add_flag("-v,--verbose", cli->verbose, "List every metric, also unchanged, new and not compared ones");
  cmd->callback([cli, tolerance, abs_tolerance] {
    ComparisonOptions options;
    const auto parse = [](const char* flag, const auto& parser, const std::string& text) {
      try {
        return parser(text);
      } catch (const std::invalid_argument& e) {
        std::cerr << "cdnlab compare: " << flag << ": " << e.what() << '\n';
        throw CLI::RuntimeError(kExitBadInput);
      }
    };
    if (tolerance->count() > 0) options.tolerance.relative = parse("--tolerance", ParseRelativeTolerance, cli->tolerance);
    if (abs_tolerance->count() > 0) {
      options.tolerance.absolute = parse("--abs-tolerance", ParseAbsoluteTolerance, cli->abs_tolerance);
    }
    for (const auto& text : cli->tolerance_for) {
      options.overrides.push_back(parse("--tolerance-for", ParseToleranceOverride, text));
    }
    nlohmann::ordered_json baseline;
    nlohmann::ordered_json run;
    try {
      baseline = ReadSummary("baseline", cli->baseline);
      run = ReadSummary("run", cli->run);
    } catch (const std::runtime_error& e) {
      std::cerr << "cdnlab compare: " << e.what() << '\n';
      throw CLI::RuntimeError(kExitBadInput);
    }
    const ComparisonReport report = CompareSummaries(baseline, run, options);
    PrintReport(report, *cli, options);
    if (report.Failed()) throw CLI::RuntimeError(kExitWorse);
  });
}

}  // namespace cdnlab::cli
