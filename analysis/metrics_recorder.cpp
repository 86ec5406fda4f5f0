#include "analysis/metrics_recorder.h"

namespace cdnlab {

const std::string& MetricsRecorder::SampleRecord::Label(const std::string& key) const {
  static const std::string kEmpty;
  for (const auto& [k, v] : labels) {
    if (k == key) return v;
  }
  return kEmpty;
}

void MetricsRecorder::Count(std::string_view name, double delta, const MetricLabels&) {
  counters_[std::string(name)] += delta;
}

void MetricsRecorder::Sample(std::string_view name, SimTime at, double value, const MetricLabels& labels) {
  samples_.push_back(SampleRecord{std::string(name), at, value, labels});
}

double MetricsRecorder::Counter(const std::string& name) const {
  auto it = counters_.find(name);
  return it == counters_.end() ? 0.0 : it->second;
}

std::vector<const MetricsRecorder::SampleRecord*> MetricsRecorder::SamplesNamed(const std::string& name) const {
  std::vector<const SampleRecord*> out;
  for (const auto& s : samples_) {
    if (s.name == name) out.push_back(&s);
  }
  return out;
}

}  // namespace cdnlab
