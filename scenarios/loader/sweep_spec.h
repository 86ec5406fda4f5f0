#pragma once
// Sweep files for `cdnlab sweep` (issue 7): one scenario, a grid of values for some of its
// fields and a list of seeds; every combination is one run.
//
//   scenario: ../regression/routing_small.yaml   # relative to the sweep file
//   seeds: [1, 2, 3]                             # or {from: 1, count: 4}
//   grid:                                        # optional; dotted paths into the scenario
//     policies[0].hysteresis_ms: [0, 5]          # maps by key, sequences by [index]
//     dns.ttl_s: [20, 300]
//   metrics: ["routing.*.regret_ms.*"]           # optional globs over summary.json paths
//
// Every problem is reported as FILE:LINE:COLUMN: field '...': message (ScenarioError), the
// same style as scenario files; a grid path the scenario does not have is an error at the
// path's line in the sweep file.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "scenarios/core/scenario_error.h"

namespace cdnlab {

struct SweepParameter {
  std::string path;                // as written, e.g. "policies[0].hysteresis_ms"
  YAML::Mark mark;                 // where the path is written in the sweep file
  std::vector<YAML::Node> values;  // non-empty
};

struct SweepSpec {
  std::string file;           // the sweep file, as given
  std::string scenario_path;  // resolved against the sweep file's directory
  YAML::Node scenario;        // the scenario file's YAML tree (unmodified)
  std::vector<std::uint64_t> seeds;
  std::vector<SweepParameter> grid;  // file order
  std::vector<std::string> metrics;  // globs; empty: every numeric metric
};

// One grid point: one value index per grid parameter.
struct SweepPoint {
  std::size_t index = 0;  // 0-based, in expansion order
  std::vector<std::size_t> value_index;
  std::vector<std::pair<std::string, std::string>> parameters;  // (path, value text)
  std::string label;  // "dns.ttl_s=300", parameters joined by ','; "base" with an empty grid
};

struct SweepRun {
  std::string id;  // "r003-dns.ttl_s=300-seed2"
  std::size_t point = 0;
  std::uint64_t seed = 0;
};

// Loads and checks a sweep file, reads its scenario's YAML and checks every grid path against
// it. Throws ScenarioError with every problem found.
SweepSpec LoadSweepFile(const std::string& path);
// The same for text; `file` names it in errors, relative scenario paths resolve against base_dir.
SweepSpec LoadSweepText(const std::string& text, const std::string& file, const std::string& base_dir);

// The cartesian product of the grid, the last parameter varying fastest.
std::vector<SweepPoint> ExpandSweepPoints(const SweepSpec& spec);
// Points x seeds, seeds varying fastest; ids numbered from r001 in this order.
std::vector<SweepRun> ExpandSweepRuns(const SweepSpec& spec, const std::vector<SweepPoint>& points);

// A copy of the scenario tree with the point's values set. Paths were checked at load.
YAML::Node ApplySweepPoint(const SweepSpec& spec, const SweepPoint& point);
// The same, as YAML text.
std::string SweepScenarioText(const SweepSpec& spec, const SweepPoint& point);

}  // namespace cdnlab
