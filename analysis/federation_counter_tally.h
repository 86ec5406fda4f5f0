#pragma once
#include <map>
#include <string>

#include "models/ports/metrics_sink.h"

namespace cdnlab {

// A MetricsSink in front of another that also keeps every counter by its labels, so a run
// can report "messages sent by kind" (MetricsRecorder sums counters over labels).
// Everything is forwarded unchanged.
class FederationCounterTally final : public MetricsSink {
 public:
  explicit FederationCounterTally(MetricsSink& next) : next_(next) {}

  void Count(std::string_view name, double delta, const MetricLabels& labels) override;
  void Sample(std::string_view name, SimTime at, double value, const MetricLabels& labels) override {
    next_.Sample(name, at, value, labels);
  }

  // Counter `name` summed over every label except `key`, by the value of `key`
  // ("" for counts without that label).
  std::map<std::string, double> ByLabel(const std::string& name, const std::string& key) const;
  double Total(const std::string& name) const;

 private:
  MetricsSink& next_;
  std::map<std::string, std::map<MetricLabels, double>> counters_;
};

}  // namespace cdnlab
