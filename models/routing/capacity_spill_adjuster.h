#pragma once
// Keeps PoPs within their capacity by moving whole rows to the next-best PoP with room.
// A row is atomic: it is one DNS answer, and every user it answers for goes to its first PoP,
// so a row's demand cannot be split between PoPs.
#include <cstdint>
#include <vector>

#include "models/routing/ranking_adjuster.h"
#include "models/routing/catalog.h"

namespace cdnlab {

class CapacitySpillAdjuster final : public RankingAdjuster {
 public:
  // demand_rps[i] is what target i's row carries (see TargetDemandRps); one per target.
  // Capacity comes from PopInfo.capacity_rps; 0 means unlimited. Throws std::invalid_argument
  // on negative or non-finite demand or capacity.
  CapacitySpillAdjuster(const RoutingCatalog& catalog, std::vector<double> demand_rps);

  // Rows are placed one by one, largest demand first (ties: lower target index), each on the
  // first PoP of its ranking that still has room for its whole demand. When that is not the
  // first PoP, the full PoPs ahead of it move behind it, keeping their relative order and the
  // order of the rest (a spill, counted). When no ranked PoP has room, the ranking is kept as
  // it is (least bad: the best PoP, overloaded) and counted as unplaced. Rows with no demand
  // never move. Throws std::invalid_argument when rankings.size() != demand size.
  void Adjust(const std::vector<MappingTarget>& targets, std::vector<std::vector<PopIndex>>& rankings,
              const std::vector<std::vector<PopIndex>>& published, SimTime now) override;

  // Demand placed on each PoP (by first-ranked PoP) by the last Adjust, overload included.
  const std::vector<double>& AssignedLoadRps() const { return assigned_rps_; }
  // Rows moved off their preferred PoP by the last Adjust / by all Adjusts so far.
  std::uint64_t LastSpilledRows() const { return last_spilled_; }
  std::uint64_t SpilledRows() const { return spilled_total_; }
  // Rows that fit nowhere and stayed on an overloaded PoP, last Adjust / all Adjusts.
  std::uint64_t LastUnplacedRows() const { return last_unplaced_; }
  std::uint64_t UnplacedRows() const { return unplaced_total_; }

  // For runs whose demand changes (e.g. the workload schedule); same size rule as the constructor.
  void SetDemand(std::vector<double> demand_rps);

 private:
  const RoutingCatalog& catalog_;
  std::vector<double> demand_rps_;
  std::vector<double> assigned_rps_;
  std::uint64_t last_spilled_ = 0;
  std::uint64_t spilled_total_ = 0;
  std::uint64_t last_unplaced_ = 0;
  std::uint64_t unplaced_total_ = 0;
};

}  // namespace cdnlab
