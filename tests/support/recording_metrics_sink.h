#pragma once
#include <map>
#include <string>
#include <vector>

#include "models/ports/metrics_sink.h"

namespace cdnlab::testing {

// Keeps every counter and sample so a test can assert on what a model reported.
class RecordingMetricsSink final : public MetricsSink {
 public:
  struct SampleRecord {
    std::string name;
    SimTime at;
    double value;
    MetricLabels labels;
  };
  void Count(std::string_view name, double delta, const MetricLabels&) override { counters[std::string(name)] += delta; }
  void Sample(std::string_view name, SimTime at, double value, const MetricLabels& labels) override {
    samples.push_back({std::string(name), at, value, labels});
  }
  double Counter(const std::string& name) const {
    auto it = counters.find(name);
    return it == counters.end() ? 0 : it->second;
  }
  std::vector<SampleRecord> SamplesNamed(const std::string& name) const {
    std::vector<SampleRecord> out;
    for (const auto& s : samples) if (s.name == name) out.push_back(s);
    return out;
  }

  std::map<std::string, double> counters;
  std::vector<SampleRecord> samples;
};

}  // namespace cdnlab::testing
