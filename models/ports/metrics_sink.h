#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/core/sim_time.h"

namespace cdnlab {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// Where models report what happened. Names are dotted ("probe.packets_sent"); the
// names a capability emits are listed in one header next to its models
// (e.g. models/routing/metric_names.h) so analysis/ never guesses.
class MetricsSink {
 public:
  virtual ~MetricsSink() = default;
  // Adds `delta` to a counter.
  virtual void Count(std::string_view name, double delta, const MetricLabels& labels = {}) = 0;
  // One observation of a value at a time (a download time, a mapping change...).
  virtual void Sample(std::string_view name, SimTime at, double value, const MetricLabels& labels = {}) = 0;
};

// Discards everything; for models used where nobody measures.
class NullMetricsSink final : public MetricsSink {
 public:
  void Count(std::string_view, double, const MetricLabels&) override {}
  void Sample(std::string_view, SimTime, double, const MetricLabels&) override {}
};

}  // namespace cdnlab
