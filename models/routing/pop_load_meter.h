#pragma once
// How loaded each PoP is under a published mapping: every row sends its demand to its first
// PoP (a DNS answer is one PoP for everyone it answers), summed per PoP and compared with the
// PoP's capacity, integrated over time. Runs for every policy, so a policy that ignores
// capacity shows the overload a capacity-aware one avoids.
#include <string>
#include <vector>

#include "models/core/sim_time.h"
#include "models/routing/mapping_table.h"
#include "models/routing/mapping_target.h"

namespace cdnlab {

struct PopOverload {
  std::string pop;
  double capacity_rps = 0;        // 0 = unlimited (never overloaded)
  double peak_demand_rps = 0;     // highest demand mapped to it
  double peak_ratio = 0;          // peak demand / capacity (0 when unlimited)
  double seconds_over = 0;        // how long its demand exceeded capacity
  double excess_demand_rps_s = 0; // integral of (demand - capacity) over that time: requests beyond capacity
};

class PopLoadMeter {
 public:
  // demand_rps[i] is what target i's row carries (see TargetDemandRps). Only time from
  // `count_from` on is counted (the evaluation's warm-up is not routing quality).
  // Throws std::invalid_argument when the sizes of targets and demand differ.
  PopLoadMeter(const RoutingCatalog& catalog, std::vector<MappingTarget> targets, std::vector<double> demand_rps,
               SimTime count_from);

  // The table as published from `now` on; closes the interval the previous table held.
  void Observe(const MappingTable& table, SimTime now);
  // Closes the last interval at the end of the run.
  void Finish(SimTime end) { Close(end); }

  // Demand per PoP under the table last observed.
  const std::vector<double>& LoadRps() const { return load_rps_; }
  std::vector<PopOverload> Result() const { return result_; }

 private:
  void Close(SimTime until);

  const RoutingCatalog& catalog_;
  std::vector<MappingTarget> targets_;
  std::vector<double> demand_rps_;
  SimTime count_from_;
  std::vector<double> load_rps_;
  SimTime since_{0};
  bool observed_ = false;
  std::vector<PopOverload> result_;
};

}  // namespace cdnlab
