#include "analysis/routing_flap_counter.h"

#include <limits>
#include <map>
#include <stdexcept>

#include "models/routing/metric_names.h"

namespace cdnlab {

FlapStats CountFlaps(const std::vector<const MetricsRecorder::SampleRecord*>& changes,
                     const std::vector<std::string>& groups, double from_s, double hours) {
  std::map<std::string, std::size_t> by_group;
  for (const auto& g : groups) by_group[g] = 0;
  FlapStats f;
  for (const auto* c : changes) {
    if (ToSeconds(c->at) < from_s) continue;
    auto it = by_group.find(c->Label(metric::kLabelGroup));
    if (it == by_group.end()) {
      throw std::logic_error("routing.effective_change names unknown group '" + c->Label(metric::kLabelGroup) + "'");
    }
    ++it->second;
    ++f.changes;
  }
  if (hours <= 0 || groups.empty()) {
    f.per_group_per_hour = f.max_group_per_hour = std::numeric_limits<double>::quiet_NaN();
    return f;
  }
  std::size_t worst = 0;
  for (const auto& [group, count] : by_group) {
    if (count > worst) {  // ties keep the first group in name order: deterministic
      worst = count;
      f.max_group = group;
    }
  }
  f.per_group_per_hour = static_cast<double>(f.changes) / static_cast<double>(groups.size()) / hours;
  f.max_group_per_hour = static_cast<double>(worst) / hours;
  return f;
}

}  // namespace cdnlab
