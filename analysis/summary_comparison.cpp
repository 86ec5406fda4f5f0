#include "analysis/summary_comparison.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <unordered_map>

namespace cdnlab {

namespace {

constexpr MetricDirection kLower = MetricDirection::kLowerIsBetter;
constexpr MetricDirection kHigher = MetricDirection::kHigherIsBetter;
constexpr MetricDirection kEqual = MetricDirection::kMustEqual;
constexpr MetricDirection kSkip = MetricDirection::kNotCompared;

}  // namespace

const std::vector<MetricRule>& MetricRules() {
  static const std::vector<MetricRule> rules{
      // Identities: comparing runs of different scenarios, seeds or policies is meaningless.
      {"scenario.name", kEqual},
      {"scenario.seed", kEqual},
      {"scenario.duration_s", kEqual},
      {"routing.*.policy", kEqual},
      {"routing.*.map_by", kEqual},
      {"routing.*.scope_aggregation", kEqual},
      {"routing.*.resolver_mapped_policy", kEqual},
      {"routing.*.dns_ttl_s", kEqual},
      {"streaming.balancing", kEqual},
      {"federation.commands[*].id", kEqual},
      {"federation.commands[*].type", kEqual},
      {"federation.commands[*].platform", kEqual},
      // A command's outcome (complete, processed, failed, ...) must not change.
      {"federation.commands[*].status", kEqual},

      // Inputs, references and sample counts: never judged (before the broad patterns below).
      {"scenario.source", kSkip},
      {"*.samples", kSkip},
      {"*first_segment_s", kSkip},
      {"*.bound_s.*", kSkip},
      {"*_at_s", kSkip},
      {"*.at_s", kSkip},
      {"*.capacity_rps", kSkip},
      {"*.peak_demand_rps", kSkip},
      {"*.tolerance.*", kSkip},  // compare-runtimes' download-time tolerance: an input

      // Lower is better: latencies, regret, stalls, failures, overhead, churn, overload.
      {"*regret*", kLower},
      {"*_ms", kLower},
      {"*_ms.*", kLower},
      {"*stall*", kLower},
      {"*failed", kLower},
      {"*failures", kLower},
      {"*failed_starts", kLower},
      {"*ended_before_start", kLower},
      {"*retries", kLower},
      {"*retries_by_kind.*", kLower},
      {"*messages_sent", kLower},
      {"*messages_sent_by_kind.*", kLower},
      {"*messages_received", kLower},
      {"*messages_rejected", kLower},
      {"*datagrams_lost_to_faults", kLower},
      {"*wrongly_targeted*", kLower},
      {"*flaps.*", kLower},
      {"*overload.*", kLower},
      {"*dns_queries*", kLower},
      {"*query_rate_over_resolver", kLower},
      {"*dns_updates", kLower},
      {"*dns_update_rows", kLower},
      {"*measurement_overhead.*", kLower},
      {"*probe_packets", kLower},
      {"*probe_bytes", kLower},
      {"*probe_trains", kLower},
      {"*settle_s", kLower},
      {"*recovery_s", kLower},
      {"*detection_s", kLower},
      {"*reconnect_s.*", kLower},
      {"*upstream_requests_per_segment.*.mean", kLower},
      {"*upstream_requests_per_segment.*.max", kLower},
      {"*.upstream_requests", kLower},
      {"*config_changes*", kLower},
      {"*healthy_sessions_moved", kLower},
      {"*segments_dropped", kLower},
      {"*.reconnects", kLower},

      // Higher is better: offload and hits, acknowledgements, agreement, things that worked.
      {"*offload*", kHigher},
      {"*hit_ratio*", kHigher},
      {"*acknowledged*", kHigher},
      {"*same_choice_ratio*", kHigher},
      {"*within_bound", kHigher},
      {"*within_tolerance*", kHigher},
      {"*viewers_started", kHigher},
      {"*viewers_resumed", kHigher},
      {"*commands_completed", kHigher},
      {"*applied_servers", kHigher},
      {"*uploads.ok", kHigher},
  };
  return rules;
}

bool GlobMatch(std::string_view pattern, std::string_view text) {
  // Iterative matcher with backtracking to the last '*'.
  std::size_t p = 0, t = 0;
  std::size_t star = std::string_view::npos, star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

MetricDirection DirectionForMetric(std::string_view path) {
  for (const auto& rule : MetricRules()) {
    if (GlobMatch(rule.pattern, path)) return rule.direction;
  }
  return kSkip;
}

namespace {

// A finite, non-negative number covering all of `text`.
double ParseNonNegative(const std::string& number, const std::string& text, const char* what) {
  if (number.empty()) throw std::invalid_argument(std::string("bad ") + what + " '" + text + "': no number");
  const char* begin = number.c_str();
  char* end = nullptr;
  const double value = std::strtod(begin, &end);
  if (end == begin || *end != '\0' || !std::isfinite(value)) {
    throw std::invalid_argument(std::string("bad ") + what + " '" + text + "': not a number");
  }
  if (value < 0) throw std::invalid_argument(std::string("bad ") + what + " '" + text + "': negative");
  return value;
}

}  // namespace

double ParseRelativeTolerance(const std::string& text) {
  if (text.empty() || text.back() != '%') {
    throw std::invalid_argument("bad relative tolerance '" + text + "': expected a percentage such as 5%");
  }
  return ParseNonNegative(text.substr(0, text.size() - 1), text, "relative tolerance") / 100.0;
}

double ParseAbsoluteTolerance(const std::string& text) {
  if (!text.empty() && text.back() == '%') {
    throw std::invalid_argument("bad absolute tolerance '" + text +
                                "': expected a plain number such as 0.5 (percentages go to --tolerance)");
  }
  return ParseNonNegative(text, text, "absolute tolerance");
}

ToleranceOverride ParseToleranceOverride(const std::string& text) {
  const auto eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    throw std::invalid_argument("bad tolerance override '" + text + "': expected PATTERN=N% or PATTERN=N");
  }
  ToleranceOverride o;
  o.pattern = text.substr(0, eq);
  const std::string value = text.substr(eq + 1);
  try {
    if (value.back() == '%') {
      o.relative = ParseRelativeTolerance(value);
    } else {
      o.absolute = ParseAbsoluteTolerance(value);
    }
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("bad tolerance override '" + text + "': " + e.what());
  }
  return o;
}

Tolerance ToleranceFor(std::string_view path, const ComparisonOptions& options) {
  Tolerance t = options.tolerance;
  for (const auto& o : options.overrides) {
    if (!GlobMatch(o.pattern, path)) continue;
    if (o.relative) t.relative = *o.relative;
    if (o.absolute) t.absolute = *o.absolute;
  }
  return t;
}

namespace {

// The "id" of every element when all elements are objects with distinct string ids.
std::optional<std::vector<std::string>> ArrayIds(const nlohmann::ordered_json& array) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (const auto& element : array) {
    if (!element.is_object()) return std::nullopt;
    const auto it = element.find("id");
    if (it == element.end() || !it->is_string()) return std::nullopt;
    const std::string id = it->get<std::string>();
    if (id.empty() || !seen.insert(id).second) return std::nullopt;
    ids.push_back(id);
  }
  return ids;
}

void Flatten(const std::string& prefix, const nlohmann::ordered_json& value, FlatSummary& out) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      Flatten(prefix.empty() ? it.key() : prefix + "." + it.key(), it.value(), out);
    }
  } else if (value.is_array()) {
    const auto ids = ArrayIds(value);
    for (std::size_t i = 0; i < value.size(); ++i) {
      Flatten(prefix + "[" + (ids ? (*ids)[i] : std::to_string(i)) + "]", value[i], out);
    }
  } else {
    out.emplace_back(prefix, value);
  }
}

}  // namespace

FlatSummary FlattenSummary(const nlohmann::ordered_json& document) {
  FlatSummary out;
  Flatten("", document, out);
  return out;
}

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kWorse: return "WORSE";
    case Verdict::kWorseWithinTolerance: return "worse, within tolerance";
    case Verdict::kUnchanged: return "unchanged";
    case Verdict::kImproved: return "improved";
    case Verdict::kMissing: return "MISSING";
    case Verdict::kNew: return "new";
    case Verdict::kIdentityDiffers: return "DIFFERS";
    case Verdict::kTypeChanged: return "NOT A NUMBER";
    case Verdict::kNotCompared: return "not compared";
  }
  return "?";
}

bool IsFailure(Verdict verdict) {
  return verdict == Verdict::kWorse || verdict == Verdict::kMissing || verdict == Verdict::kIdentityDiffers ||
         verdict == Verdict::kTypeChanged;
}

bool ComparisonReport::Failed() const {
  return std::any_of(metrics.begin(), metrics.end(), [](const auto& m) { return IsFailure(m.verdict); });
}

std::size_t ComparisonReport::Count(Verdict verdict) const {
  return static_cast<std::size_t>(
      std::count_if(metrics.begin(), metrics.end(), [verdict](const auto& m) { return m.verdict == verdict; }));
}

namespace {

bool IsMeasure(const nlohmann::ordered_json& v) { return v.is_number() || v.is_boolean(); }
double AsDouble(const nlohmann::ordered_json& v) { return v.is_boolean() ? (v.get<bool>() ? 1.0 : 0.0) : v.get<double>(); }

void Judge(MetricComparison& m, const ComparisonOptions& options) {
  const auto& base = *m.baseline;
  const auto& run = *m.run;
  if (m.direction == MetricDirection::kNotCompared) {
    m.verdict = Verdict::kNotCompared;
    return;
  }
  if (m.direction == MetricDirection::kMustEqual) {
    m.verdict = base == run ? Verdict::kUnchanged : Verdict::kIdentityDiffers;
    return;
  }
  // A direction applies to numbers (and booleans as 1/0); any other baseline is not judged.
  if (!IsMeasure(base)) {
    m.verdict = Verdict::kNotCompared;
    return;
  }
  if (!IsMeasure(run) || base.is_boolean() != run.is_boolean()) {
    m.verdict = Verdict::kTypeChanged;
    return;
  }
  const double b = AsDouble(base);
  const double r = AsDouble(run);
  const double worsening = m.direction == MetricDirection::kLowerIsBetter ? r - b : b - r;
  const double rounding = 1e-9 * std::max(1.0, std::fabs(b));
  if (base.is_boolean()) {
    m.allowed = 0;  // a flag going the wrong way is never within tolerance
  } else {
    const Tolerance t = ToleranceFor(m.path, options);
    m.allowed = std::max(t.relative * std::fabs(b), t.absolute);
  }
  if (worsening > m.allowed + rounding) {
    m.verdict = Verdict::kWorse;
  } else if (worsening > rounding) {
    m.verdict = Verdict::kWorseWithinTolerance;
  } else if (worsening < -rounding) {
    m.verdict = Verdict::kImproved;
  } else {
    m.verdict = Verdict::kUnchanged;
  }
}

}  // namespace

ComparisonReport CompareSummaries(const nlohmann::ordered_json& baseline, const nlohmann::ordered_json& run,
                                  const ComparisonOptions& options) {
  const FlatSummary base_flat = FlattenSummary(baseline);
  const FlatSummary run_flat = FlattenSummary(run);
  std::unordered_map<std::string, const nlohmann::ordered_json*> run_by_path;
  for (const auto& [path, value] : run_flat) run_by_path.emplace(path, &value);
  std::set<std::string> base_paths;

  ComparisonReport report;
  for (const auto& [path, value] : base_flat) {
    base_paths.insert(path);
    MetricComparison m;
    m.path = path;
    m.baseline = value;
    m.direction = DirectionForMetric(path);
    const auto it = run_by_path.find(path);
    if (it == run_by_path.end()) {
      m.verdict = Verdict::kMissing;  // nothing already measured may silently disappear
    } else {
      m.run = *it->second;
      Judge(m, options);
    }
    report.metrics.push_back(std::move(m));
  }
  for (const auto& [path, value] : run_flat) {
    if (base_paths.count(path) != 0) continue;
    MetricComparison m;
    m.path = path;
    m.run = value;
    m.direction = DirectionForMetric(path);
    m.verdict = Verdict::kNew;
    report.metrics.push_back(std::move(m));
  }
  return report;
}

}  // namespace cdnlab
