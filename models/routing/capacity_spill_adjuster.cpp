#include "models/routing/capacity_spill_adjuster.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace cdnlab {
namespace {

void CheckDemand(const std::vector<double>& demand_rps) {
  for (std::size_t i = 0; i < demand_rps.size(); ++i) {
    if (!std::isfinite(demand_rps[i]) || demand_rps[i] < 0) {
      throw std::invalid_argument("CapacitySpillAdjuster: demand of target " + std::to_string(i) +
                                  " must be a finite number >= 0");
    }
  }
}

}  // namespace

CapacitySpillAdjuster::CapacitySpillAdjuster(const RoutingCatalog& catalog, std::vector<double> demand_rps)
    : catalog_(catalog), assigned_rps_(catalog.pops.size(), 0.0) {
  for (const PopInfo& pop : catalog_.pops) {
    if (!std::isfinite(pop.capacity_rps) || pop.capacity_rps < 0) {
      throw std::invalid_argument("CapacitySpillAdjuster: capacity_rps of PoP " + pop.id +
                                  " must be a finite number >= 0 (0 = unlimited)");
    }
  }
  SetDemand(std::move(demand_rps));
}

void CapacitySpillAdjuster::SetDemand(std::vector<double> demand_rps) {
  CheckDemand(demand_rps);
  demand_rps_ = std::move(demand_rps);
}

void CapacitySpillAdjuster::Adjust(const std::vector<MappingTarget>&, std::vector<std::vector<PopIndex>>& rankings,
                                   const std::vector<std::vector<PopIndex>>&, SimTime) {
  if (rankings.size() != demand_rps_.size()) {
    throw std::invalid_argument("CapacitySpillAdjuster: " + std::to_string(rankings.size()) + " rankings but demand for " +
                                std::to_string(demand_rps_.size()) + " targets");
  }
  std::fill(assigned_rps_.begin(), assigned_rps_.end(), 0.0);
  last_spilled_ = 0;
  last_unplaced_ = 0;

  // Largest rows first: they are the hardest to fit, and a fixed order keeps runs deterministic.
  std::vector<std::size_t> order(rankings.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return demand_rps_[a] > demand_rps_[b]; });

  const auto has_room = [&](PopIndex p, double demand) {
    const double capacity = catalog_.pops.at(p).capacity_rps;
    return capacity == 0 || assigned_rps_[p] + demand <= capacity;
  };
  for (std::size_t i : order) {
    std::vector<PopIndex>& ranking = rankings[i];
    const double demand = demand_rps_[i];
    if (ranking.empty() || demand == 0) continue;
    const auto fit = std::find_if(ranking.begin(), ranking.end(), [&](PopIndex p) { return has_room(p, demand); });
    if (fit == ranking.end()) {
      ++last_unplaced_;  // least bad: stay on the best PoP, overloaded
    } else if (fit != ranking.begin()) {
      // The full PoPs ahead move right behind the one with room: [full..., fit, rest] ->
      // [fit, full..., rest]. They stay next best should the fit PoP fail.
      std::rotate(ranking.begin(), fit, fit + 1);
      ++last_spilled_;
    }
    assigned_rps_[ranking.front()] += demand;
  }
  spilled_total_ += last_spilled_;
  unplaced_total_ += last_unplaced_;
}

}  // namespace cdnlab
