#include "analysis/metrics_recorder.h"

namespace cdnlab {

const std::string& MetricsRecorder::SampleRecord::Label(const std::string& key) const {
  static const std::string kEmpty;
  for (const auto& [k, v] : *labels_) {
    if (k == key) return v;
  }
  return kEmpty;
}

std::size_t MetricsRecorder::LabelsHash::operator()(const MetricLabels& labels) const {
  std::size_t h = labels.size();
  for (const auto& [k, v] : labels) {
    h = h * 1000003u ^ std::hash<std::string>{}(k);
    h = h * 1000003u ^ std::hash<std::string>{}(v);
  }
  return h;
}

const std::string* MetricsRecorder::InternName(std::string_view name) {
  // Runs of samples share a name (a latency sample per segment played): compare with the last
  // one before searching the set.
  if (last_name_.name != nullptr && *last_name_.name == name) return last_name_.name;
  auto it = names_.find(name);
  if (it == names_.end()) it = names_.emplace(name).first;
  last_name_.name = &*it;
  return last_name_.name;
}

const MetricLabels* MetricsRecorder::InternLabels(const MetricLabels& labels) {
  const MetricLabels*& known = labels_by_address_[&labels];
  if (known == nullptr || *known != labels) known = &*label_sets_.insert(labels).first;
  return known;
}

void MetricsRecorder::Count(std::string_view name, double delta, const MetricLabels&) {
  auto slot = counter_slots_.find(name);
  if (slot == counter_slots_.end()) {
    auto counter = counters_.try_emplace(std::string(name), 0.0).first;
    slot = counter_slots_.emplace(std::string_view(counter->first), &counter->second).first;
  }
  *slot->second += delta;
}

void MetricsRecorder::Sample(std::string_view name, SimTime at, double value, const MetricLabels& labels) {
  samples_.emplace_back(InternName(name), at, value, InternLabels(labels));
}

double MetricsRecorder::Counter(const std::string& name) const {
  auto it = counters_.find(name);
  return it == counters_.end() ? 0.0 : it->second;
}

std::vector<const MetricsRecorder::SampleRecord*> MetricsRecorder::SamplesNamed(const std::string& name) const {
  std::vector<const SampleRecord*> out;
  const auto it = names_.find(name);
  if (it == names_.end()) return out;
  for (const auto& s : samples_) {
    if (&s.Name() == &*it) out.push_back(&s);
  }
  return out;
}

}  // namespace cdnlab
