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

// Numeric range checks; a failed check reports "expected <what>".
struct Range {
  std::function<bool(double)> ok;
  std::string what;

  static Range Any() { return {[](double) { return true; }, "a number"}; }
  static Range Positive() { return {[](double v) { return v > 0; }, "a number > 0"}; }
  static Range NonNegative() { return {[](double v) { return v >= 0; }, "a number >= 0"}; }
  static Range Between(double lo, double hi, std::string what) {
    return {[lo, hi](double v) { return v >= lo && v <= hi; }, std::move(what)};
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
