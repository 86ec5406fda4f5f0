#pragma once
// Aggregation of a parameter sweep (`cdnlab sweep`, issue 7): the runs of each grid point
// (same parameters, different seeds) are reduced per metric to n, mean, sample standard
// deviation, the half-width of the 95% confidence interval of the mean (Student t with n-1
// degrees of freedom), min and max. Pure: no files, no processes; the output only depends on
// the inputs, never on the order the runs finished in.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/summary_comparison.h"

namespace cdnlab {

struct SweepPointInfo {
  std::string label;                                            // "dns.ttl_s=300"
  std::vector<std::pair<std::string, std::string>> parameters;  // (path, value), grid order
};

struct SweepRunOutcome {
  std::string id;  // "r003-dns.ttl_s=300-seed2"
  std::size_t point = 0;
  std::uint64_t seed = 0;
  std::string failure;  // empty: the run succeeded and `summary` holds its flattened summary.json
  FlatSummary summary;
};

struct SweepMetricStats {
  std::string metric;  // dotted summary.json path
  std::size_t n = 0;   // runs of the point with a numeric value here
  double mean = 0;
  std::optional<double> stddev;  // sample (n-1) standard deviation; none for n = 1
  std::optional<double> ci95;    // half-width of the 95% CI of the mean; none for n = 1
  double min = 0;
  double max = 0;
};

struct SweepPointStats {
  SweepPointInfo info;
  std::vector<std::string> runs;  // ids of the point's successful runs, by seed
  std::vector<std::string> failed_runs;
  std::vector<SweepMetricStats> metrics;  // first-appearance order over the point's runs
};

struct SweepAggregate {
  std::vector<std::string> parameter_names;  // the grid paths, in grid order
  std::vector<SweepPointStats> points;       // in point order
  std::vector<SweepRunOutcome> runs;         // sorted by (point, seed), summaries dropped
};

// Whether a flattened metric is reported: numeric (booleans excluded) and matching one of
// `globs` (GlobMatch); with no globs, every numeric metric outside the run identity
// (scenario.seed, scenario.duration_s, ...).
bool SweepMetricSelected(const std::string& path, const nlohmann::ordered_json& value,
                         const std::vector<std::string>& globs);

// t such that P(-t < T < t) = 0.95 for Student's t with `degrees_of_freedom` (>= 1).
double StudentT95(std::size_t degrees_of_freedom);

// Statistics of one sample (non-empty).
SweepMetricStats SummarizeSample(const std::string& metric, const std::vector<double>& values);

// Groups the runs by point (run order within a point: by seed) and summarizes every selected
// metric. Failed runs are listed but contribute no values.
SweepAggregate AggregateSweep(std::vector<std::string> parameter_names, const std::vector<SweepPointInfo>& points,
                              std::vector<SweepRunOutcome> runs, const std::vector<std::string>& metric_globs);

// One row per point x metric: point,<grid paths...>,metric,n,mean,stddev,ci95,min,max
// (stddev and ci95 empty for n = 1). Numbers in shortest round-trip form.
std::string SweepCsv(const SweepAggregate& aggregate);
nlohmann::ordered_json SweepJson(const SweepAggregate& aggregate);
// A readable table per point: metric, n, mean ± ci95, stddev, min, max.
std::string FormatSweepTable(const SweepAggregate& aggregate);

}  // namespace cdnlab
