#include "scenarios/loader/sweep_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "scenarios/loader/scenario_loader.h"
#include "scenarios/core/yaml_field_reader.h"

namespace cdnlab {
namespace {

constexpr std::int64_t kMaxSeedCount = 100000;

// One step of a grid path: a mapping key or a sequence index.
struct PathStep {
  bool is_index = false;
  std::string key;
  std::size_t index = 0;
};

// "policies[0].hysteresis_ms" -> key policies, index 0, key hysteresis_ms. Returns nullopt
// and sets `error` for a malformed path.
std::optional<std::vector<PathStep>> ParsePath(const std::string& path, std::string& error) {
  std::vector<PathStep> steps;
  std::size_t i = 0;
  bool expect_key = true;
  while (i < path.size()) {
    if (expect_key) {
      std::size_t end = i;
      while (end < path.size() && path[end] != '.' && path[end] != '[' && path[end] != ']') ++end;
      if (end == i) {
        error = fmt::format("expected a key at position {} of the path", i + 1);
        return std::nullopt;
      }
      steps.push_back({false, path.substr(i, end - i), 0});
      i = end;
      expect_key = false;
    } else if (path[i] == '.') {
      ++i;
      expect_key = true;
      if (i == path.size()) {
        error = "the path ends with '.'";
        return std::nullopt;
      }
    } else if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos) {
        error = "unclosed '[' in the path";
        return std::nullopt;
      }
      const std::string digits = path.substr(i + 1, close - i - 1);
      std::size_t index = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
        error = fmt::format("expected a non-negative index in [], got '[{}]'", digits);
        return std::nullopt;
      }
      steps.push_back({true, "", index});
      i = close + 1;
    } else {
      error = fmt::format("unexpected '{}' at position {} of the path", path[i], i + 1);
      return std::nullopt;
    }
  }
  if (steps.empty()) {
    error = "the path is empty";
    return std::nullopt;
  }
  return steps;
}

std::string StepsText(const std::vector<PathStep>& steps, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    if (steps[i].is_index) {
      out += fmt::format("[{}]", steps[i].index);
    } else {
      out += (out.empty() ? "" : ".") + steps[i].key;
    }
  }
  return out;
}

// Walks `root` along the path without creating anything; returns an empty string when every
// step exists, else what is missing.
std::string CheckPath(const YAML::Node& root, const std::vector<PathStep>& steps) {
  YAML::Node current;
  current.reset(root);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const YAML::Node& here = current;
    const std::string where = i == 0 ? "the scenario" : fmt::format("'{}'", StepsText(steps, i));
    if (steps[i].is_index) {
      if (!here.IsSequence()) return fmt::format("{} is not a list, cannot take [{}]", where, steps[i].index);
      if (steps[i].index >= here.size()) {
        return fmt::format("{} has {} entries, no [{}]", where, here.size(), steps[i].index);
      }
      current.reset(here[steps[i].index]);
    } else {
      if (!here.IsMap()) return fmt::format("{} is not a mapping, cannot take key '{}'", where, steps[i].key);
      const YAML::Node next = here[steps[i].key];
      if (!next.IsDefined()) return fmt::format("{} has no key '{}'", where, steps[i].key);
      current.reset(next);
    }
  }
  return "";
}

std::string ValueText(const YAML::Node& value) {
  if (value.IsScalar()) return value.Scalar();
  YAML::Emitter out;
  out << YAML::Flow << value;
  return out.c_str();
}

// Characters kept in run ids (they name directories); others become '_'.
std::string IdSafe(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '=' || c == '-' || c == '+' || c == '[' || c == ']' || c == ',';
    if (!ok) c = '_';
  }
  return out;
}

void ReadSeeds(MapReader& root, IssueLog& log, SweepSpec& spec) {
  if (!root.Has("seeds")) {
    root.Error("", "missing required key 'seeds' (a list of seeds or {from: N, count: N})");
    return;
  }
  const YAML::Node seeds = root.Node()["seeds"];
  if (seeds.IsMap()) {
    MapReader range(seeds, "seeds", log, {"from", "count"});
    const auto from = range.Integer("from", true, 0, INT64_MAX - kMaxSeedCount);
    const auto count = range.Integer("count", true, 1, kMaxSeedCount);
    if (from && count) {
      for (std::int64_t s = *from; s < *from + *count; ++s) spec.seeds.push_back(static_cast<std::uint64_t>(s));
    }
    return;
  }
  if (!seeds.IsSequence()) {
    root.Error("seeds", "expected a list of seeds or {from: N, count: N}, got " + QuoteForMessage(seeds));
    return;
  }
  if (seeds.size() == 0) root.Error("seeds", "expected at least one seed");
  std::set<std::uint64_t> seen;
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    const YAML::Node item = seeds[i];
    const std::string field = fmt::format("seeds[{}]", i);
    std::uint64_t seed = 0;
    bool ok = item.IsScalar();
    if (ok) {
      const std::string& text = item.Scalar();
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
      ok = !text.empty() && ec == std::errc() && end == text.data() + text.size();
    }
    if (!ok) {
      log.Add(item.Mark(), field, "expected a non-negative integer seed, got " + QuoteForMessage(item));
      continue;
    }
    if (!seen.insert(seed).second) {
      log.Add(item.Mark(), field, fmt::format("seed {} is listed twice", seed));
      continue;
    }
    spec.seeds.push_back(seed);
  }
}

void ReadGrid(MapReader& root, IssueLog& log, SweepSpec& spec) {
  const auto grid = root.Mapping("grid", false);
  if (!grid) return;
  std::set<std::string> seen;
  for (const auto& kv : *grid) {
    const std::string path = kv.first.IsScalar() ? kv.first.Scalar() : "?";
    const std::string field = "grid." + path;
    if (!kv.first.IsScalar()) {
      log.Add(kv.first.Mark(), "grid", "expected a dotted scenario path as the key, got " + QuoteForMessage(kv.first));
      continue;
    }
    std::string error;
    if (!ParsePath(path, error)) {
      log.Add(kv.first.Mark(), field, fmt::format("bad path '{}': {}", path, error));
      continue;
    }
    if (!seen.insert(path).second) {
      log.Add(kv.first.Mark(), field, fmt::format("path '{}' is listed twice", path));
      continue;
    }
    if (!kv.second.IsSequence() || kv.second.size() == 0) {
      log.Add(kv.second.Mark(), field, "expected a non-empty list of values, got " + QuoteForMessage(kv.second));
      continue;
    }
    SweepParameter p;
    p.path = path;
    p.mark = kv.first.Mark();
    for (const auto& v : kv.second) p.values.push_back(v);
    spec.grid.push_back(std::move(p));
  }
}

void ReadMetrics(MapReader& root, IssueLog& log, SweepSpec& spec) {
  const auto items = root.Sequence("metrics", false, true);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].IsScalar() || items[i].Scalar().empty()) {
      log.Add(items[i].Mark(), fmt::format("metrics[{}]", i),
              "expected a glob over summary.json paths, got " + QuoteForMessage(items[i]));
      continue;
    }
    spec.metrics.push_back(items[i].Scalar());
  }
}

// Reads the scenario's YAML tree; reports problems at the sweep file's `scenario:` line.
bool ReadScenarioTree(MapReader& root, IssueLog& log, SweepSpec& spec) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(spec.scenario_path, ec)) {
    root.Error("scenario", fmt::format("cannot read the scenario file '{}'", spec.scenario_path));
    return false;
  }
  try {
    spec.scenario = YAML::LoadFile(spec.scenario_path);
  } catch (const YAML::Exception& e) {
    // The scenario's own syntax error, in its own file.
    IssueLog scenario_log(spec.scenario_path);
    scenario_log.Add(e.mark, "", "YAML syntax error: " + e.msg);
    for (auto& issue : scenario_log.Take()) {
      log.Add(root.MarkOf("scenario"), "scenario", "the scenario does not parse: " + issue.ToString());
    }
    return false;
  }
  return true;
}

// Every grid point must give a valid scenario: a problem at a swept field is reported at the
// value in the sweep file, any other one with the point and the scenario's own position.
void CheckPoints(const SweepSpec& spec, IssueLog& log) {
  for (const auto& point : ExpandSweepPoints(spec)) {
    try {
      LoadScenarioText(SweepScenarioText(spec, point), spec.scenario_path);
    } catch (const ScenarioError& e) {
      for (const auto& issue : e.Issues()) {
        bool placed = false;
        for (std::size_t g = 0; g < spec.grid.size() && !placed; ++g) {
          const auto& p = spec.grid[g];
          if (issue.field != p.path && issue.field.rfind(p.path + ".", 0) != 0) continue;
          const std::size_t v = point.value_index[g];
          log.Add(p.values[v].Mark(), fmt::format("grid.{}[{}]", p.path, v),
                  fmt::format("gives an invalid scenario: field '{}': {}", issue.field, issue.message));
          placed = true;
        }
        if (!placed) {
          log.Add(YAML::Mark::null_mark(), "",
                  fmt::format("grid point {} gives an invalid scenario: {}", point.label, issue.ToString()));
        }
      }
    }
  }
}

}  // namespace

SweepSpec LoadSweepText(const std::string& text, const std::string& file, const std::string& base_dir) {
  IssueLog log(file);
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    log.Add(e.mark, "", "YAML syntax error: " + e.msg);
    throw ScenarioError(log.Take());
  }
  SweepSpec spec;
  spec.file = file;
  MapReader root(doc, "", log, {"scenario", "seeds", "grid", "metrics"});
  if (!root.Valid()) throw ScenarioError(log.Take());

  const auto scenario = root.String("scenario", true);
  ReadSeeds(root, log, spec);
  ReadGrid(root, log, spec);
  ReadMetrics(root, log, spec);

  bool have_tree = false;
  if (scenario) {
    const std::filesystem::path p(*scenario);
    spec.scenario_path = (p.is_absolute() ? p : std::filesystem::path(base_dir) / p).lexically_normal().string();
    have_tree = ReadScenarioTree(root, log, spec);
  }
  if (have_tree) {
    for (const auto& param : spec.grid) {
      std::string error;
      const auto steps = ParsePath(param.path, error);
      const std::string missing = CheckPath(spec.scenario, *steps);
      if (!missing.empty()) {
        log.Add(param.mark, "grid." + param.path,
                fmt::format("unknown scenario path '{}' in {}: {}", param.path, spec.scenario_path, missing));
      }
    }
  }
  // Only a sweep whose paths all exist is expanded and each point checked as a scenario.
  if (log.Empty()) CheckPoints(spec, log);
  if (!log.Empty()) throw ScenarioError(log.Take());
  return spec;
}

SweepSpec LoadSweepFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw ScenarioError({ScenarioIssue{path, 0, 0, "", "is a directory, not a sweep file"}});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError({ScenarioIssue{path, 0, 0, "", "cannot open the sweep file"}});
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ScenarioError({ScenarioIssue{path, 0, 0, "", "error while reading the sweep file"}});
  return LoadSweepText(text.str(), path, std::filesystem::path(path).parent_path().string());
}

std::vector<SweepPoint> ExpandSweepPoints(const SweepSpec& spec) {
  std::vector<SweepPoint> points;
  std::vector<std::size_t> index(spec.grid.size(), 0);
  while (true) {
    SweepPoint point;
    point.index = points.size();
    point.value_index = index;
    for (std::size_t g = 0; g < spec.grid.size(); ++g) {
      point.parameters.emplace_back(spec.grid[g].path, ValueText(spec.grid[g].values[index[g]]));
      if (!point.label.empty()) point.label += ',';
      point.label += point.parameters.back().first + "=" + point.parameters.back().second;
    }
    if (point.label.empty()) point.label = "base";
    points.push_back(std::move(point));
    // Odometer, the last parameter fastest.
    std::size_t g = spec.grid.size();
    while (g > 0) {
      --g;
      if (++index[g] < spec.grid[g].values.size()) break;
      index[g] = 0;
      if (g == 0) return points;
    }
    if (spec.grid.empty()) return points;
  }
}

std::vector<SweepRun> ExpandSweepRuns(const SweepSpec& spec, const std::vector<SweepPoint>& points) {
  std::vector<SweepRun> runs;
  const std::size_t total = points.size() * spec.seeds.size();
  const int width = std::max<int>(3, static_cast<int>(std::to_string(total).size()));
  for (const auto& point : points) {
    for (const auto seed : spec.seeds) {
      SweepRun run;
      run.point = point.index;
      run.seed = seed;
      std::string id = fmt::format("r{:0{}}", runs.size() + 1, width);
      for (const auto& [path, value] : point.parameters) id += "-" + IdSafe(path + "=" + value);
      run.id = id + fmt::format("-seed{}", seed);
      runs.push_back(std::move(run));
    }
  }
  return runs;
}

YAML::Node ApplySweepPoint(const SweepSpec& spec, const SweepPoint& point) {
  YAML::Node root = YAML::Clone(spec.scenario);
  for (std::size_t g = 0; g < spec.grid.size(); ++g) {
    std::string error;
    const auto steps = ParsePath(spec.grid[g].path, error);
    if (!steps) throw std::logic_error("unchecked sweep path " + spec.grid[g].path);
    YAML::Node current;
    current.reset(root);
    for (std::size_t i = 0; i + 1 < steps->size(); ++i) {
      const auto& s = (*steps)[i];
      YAML::Node next = s.is_index ? current[s.index] : current[s.key];
      current.reset(next);
    }
    const auto& last = steps->back();
    const YAML::Node value = YAML::Clone(spec.grid[g].values[point.value_index[g]]);
    if (last.is_index) {
      current[last.index] = value;
    } else {
      current[last.key] = value;
    }
  }
  return root;
}

std::string SweepScenarioText(const SweepSpec& spec, const SweepPoint& point) {
  YAML::Emitter out;
  out << ApplySweepPoint(spec, point);
  return std::string(out.c_str()) + "\n";
}

}  // namespace cdnlab
