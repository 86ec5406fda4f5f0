#include "models/routing/pop_load_meter.h"

#include <algorithm>
#include <stdexcept>

namespace cdnlab {

PopLoadMeter::PopLoadMeter(const RoutingCatalog& catalog, std::vector<MappingTarget> targets,
                           std::vector<double> demand_rps, SimTime count_from)
    : catalog_(catalog),
      targets_(std::move(targets)),
      demand_rps_(std::move(demand_rps)),
      count_from_(count_from),
      load_rps_(catalog.pops.size(), 0.0) {
  if (targets_.size() != demand_rps_.size()) {
    throw std::invalid_argument("PopLoadMeter: " + std::to_string(demand_rps_.size()) + " demands for " +
                                std::to_string(targets_.size()) + " targets");
  }
  for (const auto& p : catalog.pops) result_.push_back(PopOverload{p.id, p.capacity_rps});
}

void PopLoadMeter::Observe(const MappingTable& table, SimTime now) {
  Close(now);
  std::fill(load_rps_.begin(), load_rps_.end(), 0.0);
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    const MappingEntry* row = table.Find(targets_[i].prefix);
    if (row != nullptr && !row->ranked_pops.empty() && row->ranked_pops[0] < load_rps_.size()) {
      load_rps_[row->ranked_pops[0]] += demand_rps_[i];
    }
  }
  since_ = now;
  observed_ = true;
}

void PopLoadMeter::Close(SimTime until) {
  if (!observed_) return;
  const SimTime from = std::max(since_, count_from_);
  if (until <= from) return;  // held only before counting started, or for no time at all
  const double seconds = ToSeconds(until - from);
  for (std::size_t p = 0; p < result_.size(); ++p) {
    PopOverload& o = result_[p];
    const double load = load_rps_[p];
    o.peak_demand_rps = std::max(o.peak_demand_rps, load);
    if (o.capacity_rps <= 0) continue;
    o.peak_ratio = std::max(o.peak_ratio, load / o.capacity_rps);
    if (load > o.capacity_rps) {
      o.seconds_over += seconds;
      o.excess_demand_rps_s += (load - o.capacity_rps) * seconds;
    }
  }
  since_ = until;
}

}  // namespace cdnlab
