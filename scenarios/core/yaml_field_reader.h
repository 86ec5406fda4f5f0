#pragma once
// Typed, path-aware reading of YAML mappings for the scenario loader. Every problem is
// recorded with file, line, column and field path and reading goes on, so one pass finds
// every mistake in a file; callers get std::nullopt for a field that could not be read.
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "scenarios/core/scenario_error.h"

namespace cdnlab {

class IssueLog {
 public:
  explicit IssueLog(std::string file) : file_(std::move(file)) {}
  void Add(const YAML::Mark& mark, const std::string& field, const std::string& message);
  bool Empty() const { return issues_.empty(); }
  const std::string& File() const { return file_; }
  std::vector<ScenarioIssue> Take() { return std::move(issues_); }

 private:
  std::string file_;
  std::vector<ScenarioIssue> issues_;
};

// What the runtime can represent, for every scenario number. Times become int64 nanoseconds
// (ns-3's Time and cdnlab's Duration: about 292 years), and a time is added to others (an event's
// at_s + duration_s, the warm-up, a timeout after the last event) or drawn as an exponential gap
// of up to ~40 times a rate's mean: bounding each to ~32 years keeps every such sum in range.
struct ScenarioLimits {
  static constexpr double kMaxSeconds = 1e9;                 // any time or duration (about 31.7 years)
  static constexpr double kMaxMillis = kMaxSeconds * 1e3;    // the same, in ms (delays, timeouts, penalties)
  static constexpr double kMinPerMinute = 1e-6;              // a positive rate: mean gap <= 6e7 s
  static constexpr double kMaxPerMinute = 1e9;               // gaps of tens of ns, not 0
  static constexpr double kMinMbps = 1e-3;                   // 1 kbit/s: a 1500-byte packet serializes in 12 s
  static constexpr double kMaxMbps = 1e9;                    // 1 Pbit/s: ns-3's DataRate is uint64 bit/s
  static constexpr double kMaxQuantity = 1e15;               // users, requests/s: sums over 10^6 groups stay exact enough
};

// Numeric range checks; a failed check reports "expected <what>". Number() rejects NaN and
// infinities before any range is asked.
struct Range {
  std::function<bool(double)> ok;
  std::string what;

  static Range Any() { return {[](double) { return true; }, "a number"}; }
  static Range Positive() { return {[](double v) { return v > 0; }, "a number > 0"}; }
  static Range NonNegative() { return {[](double v) { return v >= 0; }, "a number >= 0"}; }
  static Range Between(double lo, double hi, std::string what) {
    return {[lo, hi](double v) { return v >= lo && v <= hi; }, std::move(what)};
  }
  // Families with representable bounds (ScenarioLimits); use these for every new field.
  static Range Seconds() { return Between(0, ScenarioLimits::kMaxSeconds, "seconds in [0, 1e9]"); }
  static Range PositiveSeconds() {
    return Between(1e-9, ScenarioLimits::kMaxSeconds, "seconds in [1e-9, 1e9]");  // 1 ns: the clock's tick
  }
  static Range Millis() { return Between(0, ScenarioLimits::kMaxMillis, "milliseconds in [0, 1e12]"); }
  static Range PositiveMillis() {
    return Between(1e-6, ScenarioLimits::kMaxMillis, "milliseconds in [1e-6, 1e12]");
  }
  // Events per minute (per group): 0 = none, else a mean gap the clock can hold.
  static Range PerMinute() {
    return {[](double v) { return v == 0 || (v >= ScenarioLimits::kMinPerMinute && v <= ScenarioLimits::kMaxPerMinute); },
            "0 or a rate per minute in [1e-6, 1e9]"};
  }
  static Range PositivePerMinute() {
    return Between(ScenarioLimits::kMinPerMinute, ScenarioLimits::kMaxPerMinute, "a rate per minute in [1e-6, 1e9]");
  }
  static Range Mbps() { return Between(ScenarioLimits::kMinMbps, ScenarioLimits::kMaxMbps, "Mbit/s in [0.001, 1e9]"); }
  static Range Quantity() { return Between(0, ScenarioLimits::kMaxQuantity, "a number in [0, 1e15]"); }
  static Range PositiveQuantity() {
    return {[](double v) { return v > 0 && v <= ScenarioLimits::kMaxQuantity; }, "a number in (0, 1e15]"};
  }
};

// Reads one YAML mapping at `path`. Construction reports a non-mapping and unknown keys.
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string path, IssueLog& log, std::set<std::string> allowed_keys);

  bool Valid() const { return valid_; }
  bool Has(const std::string& key) const;
  const YAML::Node& Node() const { return node_; }
  std::string FieldPath(const std::string& key) const;
  YAML::Mark MarkOf(const std::string& key) const;  // the value's mark, or the map's when absent

  // Each reader reports a missing required key, a wrong type or an out-of-range value.
  std::optional<double> Number(const std::string& key, bool required, const Range& range = Range::Any());
  std::optional<std::int64_t> Integer(const std::string& key, bool required, std::int64_t min, std::int64_t max);
  std::optional<std::string> String(const std::string& key, bool required);
  std::optional<bool> Bool(const std::string& key, bool required);
  // A sequence (absent and not required = empty); reports a non-sequence.
  std::vector<YAML::Node> Sequence(const std::string& key, bool required, bool non_empty);
  // A nested mapping; nullopt when absent (reported if required).
  std::optional<YAML::Node> Mapping(const std::string& key, bool required);

  // Reports a problem with the value of `key` (or the map itself when key is empty).
  void Error(const std::string& key, const std::string& message);

 private:
  std::optional<YAML::Node> Scalar(const std::string& key, bool required, const std::string& expected);

  YAML::Node node_;
  std::string path_;
  IssueLog& log_;
  bool valid_ = false;
};

std::string QuoteForMessage(const YAML::Node& node);

}  // namespace cdnlab
