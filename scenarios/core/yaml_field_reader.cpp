#include "scenarios/core/yaml_field_reader.h"

#include <map>

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace cdnlab {
namespace {

std::string KindName(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Scalar: return "'" + n.Scalar() + "'";
    default: return "an undefined value";
  }
}

std::string JoinKeys(const std::set<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

}  // namespace

std::string QuoteForMessage(const YAML::Node& node) { return KindName(node); }

void IssueLog::Add(const YAML::Mark& mark, const std::string& field, const std::string& message) {
  // yaml-cpp marks are 0-based; a null mark (-1) means "unknown".
  const int line = mark.line >= 0 ? mark.line + 1 : 0;
  const int column = mark.column >= 0 ? mark.column + 1 : 0;
  issues_.push_back(ScenarioIssue{file_, line, column, field, message});
}

MapReader::MapReader(const YAML::Node& node, std::string path, IssueLog& log, std::set<std::string> allowed_keys)
    : node_(node), path_(std::move(path)), log_(log) {
  if (!node_.IsMap()) {
    log_.Add(node_.Mark(), path_, "expected a mapping of keys to values, got " + KindName(node_));
    return;
  }
  valid_ = true;
  std::map<std::string, YAML::Mark> seen;
  for (const auto& kv : node_) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
    if (allowed_keys.count(key) == 0) {
      log_.Add(kv.first.Mark(), FieldPath(key),
               fmt::format("unknown key '{}'; expected one of: {}", key, JoinKeys(allowed_keys)));
    }
    // yaml-cpp keeps one of two equal keys without a word: the other one's value would be lost.
    const auto [first, inserted] = seen.emplace(key, kv.first.Mark());
    if (!inserted) {
      log_.Add(kv.first.Mark(), FieldPath(key),
               fmt::format("key '{}' is given twice (first on line {})", key, first->second.line + 1));
    }
  }
}

bool MapReader::Has(const std::string& key) const { return valid_ && node_[key].IsDefined() && !node_[key].IsNull(); }

std::string MapReader::FieldPath(const std::string& key) const {
  if (key.empty()) return path_;
  return path_.empty() ? key : path_ + "." + key;
}

YAML::Mark MapReader::MarkOf(const std::string& key) const {
  if (!key.empty() && Has(key)) return node_[key].Mark();
  return node_.Mark();
}

void MapReader::Error(const std::string& key, const std::string& message) {
  log_.Add(MarkOf(key), FieldPath(key), message);
}

std::optional<YAML::Node> MapReader::Scalar(const std::string& key, bool required, const std::string& expected) {
  if (!valid_) return std::nullopt;
  if (!Has(key)) {
    if (required) log_.Add(node_.Mark(), FieldPath(key), fmt::format("missing required key '{}' ({})", key, expected));
    return std::nullopt;
  }
  const YAML::Node value = node_[key];
  if (!value.IsScalar()) {
    Error(key, fmt::format("expected {}, got {}", expected, KindName(value)));
    return std::nullopt;
  }
  return value;
}

std::optional<double> MapReader::Number(const std::string& key, bool required, const Range& range) {
  const auto value = Scalar(key, required, range.what);
  if (!value) return std::nullopt;
  const std::string& text = value->Scalar();
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
    Error(key, fmt::format("expected {}, got '{}'", range.what, text));
    return std::nullopt;
  }
  if (!range.ok(v)) {
    Error(key, fmt::format("expected {}, got {}", range.what, text));
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> MapReader::Integer(const std::string& key, bool required, std::int64_t min,
                                               std::int64_t max) {
  const std::string expected = fmt::format("an integer in [{}, {}]", min, max);
  const auto value = Scalar(key, required, expected);
  if (!value) return std::nullopt;
  const std::string& text = value->Scalar();
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    Error(key, fmt::format("expected {}, got '{}'", expected, text));
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> MapReader::String(const std::string& key, bool required) {
  const auto value = Scalar(key, required, "a string");
  if (!value) return std::nullopt;
  if (value->Scalar().empty()) {
    Error(key, "expected a non-empty string");
    return std::nullopt;
  }
  return value->Scalar();
}

std::optional<bool> MapReader::Bool(const std::string& key, bool required) {
  const auto value = Scalar(key, required, "true or false");
  if (!value) return std::nullopt;
  const std::string& text = value->Scalar();
  if (text == "true") return true;
  if (text == "false") return false;
  Error(key, fmt::format("expected true or false, got '{}'", text));
  return std::nullopt;
}

std::vector<YAML::Node> MapReader::Sequence(const std::string& key, bool required, bool non_empty) {
  std::vector<YAML::Node> out;
  if (!valid_) return out;
  if (!Has(key)) {
    if (required) log_.Add(node_.Mark(), FieldPath(key), fmt::format("missing required key '{}' (a list)", key));
    return out;
  }
  const YAML::Node value = node_[key];
  if (!value.IsSequence()) {
    Error(key, "expected a list, got " + KindName(value));
    return out;
  }
  for (const auto& item : value) out.push_back(item);
  if (non_empty && out.empty()) Error(key, "expected at least one entry");
  return out;
}

std::optional<YAML::Node> MapReader::Mapping(const std::string& key, bool required) {
  if (!valid_) return std::nullopt;
  if (!Has(key)) {
    if (required) log_.Add(node_.Mark(), FieldPath(key), fmt::format("missing required key '{}' (a mapping)", key));
    return std::nullopt;
  }
  return node_[key];
}

}  // namespace cdnlab
