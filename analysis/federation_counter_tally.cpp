#include "analysis/federation_counter_tally.h"

namespace cdnlab {

void FederationCounterTally::Count(std::string_view name, double delta, const MetricLabels& labels) {
  counters_[std::string(name)][labels] += delta;
  next_.Count(name, delta, labels);
}

std::map<std::string, double> FederationCounterTally::ByLabel(const std::string& name, const std::string& key) const {
  std::map<std::string, double> out;
  auto it = counters_.find(name);
  if (it == counters_.end()) return out;
  for (const auto& [labels, value] : it->second) {
    std::string label;
    for (const auto& [k, v] : labels) {
      if (k == key) label = v;
    }
    out[label] += value;
  }
  return out;
}

double FederationCounterTally::Total(const std::string& name) const {
  double total = 0;
  auto it = counters_.find(name);
  if (it == counters_.end()) return total;
  for (const auto& [labels, value] : it->second) total += value;
  return total;
}

}  // namespace cdnlab
