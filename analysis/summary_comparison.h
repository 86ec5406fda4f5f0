#pragma once
// Compares two summary.json documents (a committed baseline and a new run) metric by metric,
// for regression checks (`cdnlab compare`, scenarios/regression/).
//
// Both documents are flattened to dotted paths of their leaves: object keys joined by '.',
// array elements as [id] when every element of the array is an object with a distinct string
// "id" (e.g. federation.commands[purge-election].completion_ms), else as [index]
// (routing.probe.events[0].settle_s). Empty objects and arrays have no leaves.
//
// Each path is judged by the first matching rule of a small explicit table (MetricRules()):
// lower is better, higher is better, must be equal (identities such as scenario.name), or not
// compared. A path no rule matches is reported as not compared, never judged.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace cdnlab {

enum class MetricDirection { kLowerIsBetter, kHigherIsBetter, kMustEqual, kNotCompared };

struct MetricRule {
  const char* pattern;  // glob on the dotted path, see GlobMatch
  MetricDirection direction;
};

// The rule table, in matching order (first match wins).
const std::vector<MetricRule>& MetricRules();

// The direction of the first rule matching `path`; kNotCompared when none does.
MetricDirection DirectionForMetric(std::string_view path);

// Glob match of the whole text: '*' is any run of characters (dots and brackets included),
// '?' any one character; everything else, '[' and ']' included, matches itself.
bool GlobMatch(std::string_view pattern, std::string_view text);

// Allowed worsening: max(relative * |baseline|, absolute). Both default to 0 (any worsening
// fails; differences below 1e-9 relative are rounding and count as unchanged).
struct Tolerance {
  double relative = 0;  // a fraction: 0.05 for "5%"
  double absolute = 0;  // in the metric's unit
};

// `--tolerance-for PATTERN=10%` (replaces the relative tolerance) or `PATTERN=0.5`
// (replaces the absolute one) for the paths PATTERN matches. The last matching override of
// each kind wins.
struct ToleranceOverride {
  std::string pattern;
  std::optional<double> relative;
  std::optional<double> absolute;
};

struct ComparisonOptions {
  Tolerance tolerance;
  std::vector<ToleranceOverride> overrides;
};

// Parsers for the command line; each throws std::invalid_argument with a message that quotes
// the text. "5%" -> 0.05 (the '%' is required); "0.5" -> 0.5; "PATTERN=10%" / "PATTERN=0.5".
// Negative, non-finite or trailing-garbage values are rejected.
double ParseRelativeTolerance(const std::string& text);
double ParseAbsoluteTolerance(const std::string& text);
ToleranceOverride ParseToleranceOverride(const std::string& text);

// The tolerance that applies to `path`.
Tolerance ToleranceFor(std::string_view path, const ComparisonOptions& options);

// Leaves of a JSON document in document order, as (dotted path, value).
using FlatSummary = std::vector<std::pair<std::string, nlohmann::ordered_json>>;
FlatSummary FlattenSummary(const nlohmann::ordered_json& document);

enum class Verdict {
  kWorse,                 // worsened beyond tolerance: failure
  kWorseWithinTolerance,  // worsened, but within tolerance
  kUnchanged,
  kImproved,
  kMissing,          // in the baseline, not in the run: failure
  kNew,              // in the run, not in the baseline
  kIdentityDiffers,  // a must-be-equal value differs: failure
  kTypeChanged,      // a compared number became something else (e.g. null): failure
  kNotCompared,      // no rule, a not-compared rule, or a non-numeric value under a direction
};

const char* VerdictName(Verdict verdict);
bool IsFailure(Verdict verdict);

struct MetricComparison {
  std::string path;
  std::optional<nlohmann::ordered_json> baseline;  // absent for kNew
  std::optional<nlohmann::ordered_json> run;       // absent for kMissing
  MetricDirection direction = MetricDirection::kNotCompared;
  Verdict verdict = Verdict::kNotCompared;
  double allowed = 0;  // the allowed worsening for numeric comparisons, in the metric's unit
};

struct ComparisonReport {
  std::vector<MetricComparison> metrics;  // baseline order, then the run's new paths

  bool Failed() const;
  std::size_t Count(Verdict verdict) const;
};

ComparisonReport CompareSummaries(const nlohmann::ordered_json& baseline, const nlohmann::ordered_json& run,
                                  const ComparisonOptions& options);

}  // namespace cdnlab
