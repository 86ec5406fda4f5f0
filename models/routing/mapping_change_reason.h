#pragma once
// Why a client group's answered PoP changed: the `reason` column of mapping_changes.csv.
// The controller tells MappingChangeReasons (a MappingDecisionObserver) each recompute's
// policy rankings and published decisions; it classifies every row whose first PoP changes,
// and the evaluator, when users of a group see their PoP change (as caches expire), asks for
// the reason of the latest decision that sent that group to its new PoP.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/net/ip_address.h"
#include "models/routing/mapping_decision_observer.h"
#include "models/routing/mapping_target.h"

namespace cdnlab {

// The closed set; names are what the CSV says.
enum class MappingChangeReason : std::uint8_t {
  kBetterRtt,      // better_rtt: the new PoP's RTT (the policy's estimate) is lower, by rtt_gain_ms
  kPopFailed,      // pop_failed: the old PoP failed as the policy knows it (health check down,
                   // route withdrawn, measurements mostly lost, or the truth for the oracle)
  kPopStale,       // pop_stale: the old PoP has no fresh measurements left for the row
  kPopRecovered,   // pop_recovered: the new PoP was down at the previous decision and is back
  kCapacitySpill,  // capacity_spill: moved off a full PoP, or back once it had room
  kDwellExpired,   // dwell_expired: min_dwell_s had held the row on the old PoP until now
  kExploration,    // exploration: the new PoP had no usable measurement at the previous decision
                   // (it was found by exploring candidates)
  kFirstMapping,   // first_mapping: the row was published for the first time
};
const char* MappingChangeReasonName(MappingChangeReason reason);
// Every reason, in enum order (documentation and tests).
std::vector<MappingChangeReason> AllMappingChangeReasons();

struct ExplainedChange {
  MappingChangeReason reason = MappingChangeReason::kFirstMapping;
  std::optional<double> rtt_gain_ms;  // kBetterRtt, when the policy has RTT estimates
};

// What the policy knew when it decided, for the classification. Each may be empty.
struct PolicyKnowledge {
  // The policy saw PoP p down (health check, withdrawal, truth): the same for every row.
  std::function<bool(PopIndex p)> pop_down;
  // Row `target` left `from` for `to` because of lost measurements at `from` (measuring
  // policies: the loss penalty, not the RTT, put `from` behind `to`).
  std::function<bool(std::size_t target, PopIndex from, PopIndex to, SimTime now)> pop_lossy;
  // The policy's RTT estimate for row `target` at p (nullopt: none fresh). Empty for
  // policies without RTT estimates (geo, anycast, random).
  std::function<std::optional<double>(std::size_t target, PopIndex p, SimTime now)> score_ms;
};

class MappingChangeReasons final : public MappingDecisionObserver {
 public:
  // `targets` are the controller's (same order) and must outlive this object.
  MappingChangeReasons(const std::vector<MappingTarget>& targets, std::size_t groups, std::size_t pops,
                       PolicyKnowledge knowledge);

  void PolicyRanked(const std::vector<std::vector<PopIndex>>& rankings, std::size_t depth, SimTime now) override;
  void Decided(const std::vector<std::vector<PopIndex>>& published, const std::vector<std::vector<PopIndex>>& decided,
               SimTime now) override;

  // A change routing made for group g's users outside the table (anycast withdrawal).
  void RecordRouted(GroupIndex g, IpFamily family, std::optional<PopIndex> to, MappingChangeReason reason);

  // Why group g's users of `family` now reach `to`: the latest decision (a row standing for g,
  // or a routing change) that sent them there. A change with no such decision (none seen yet)
  // is a first mapping when `to` exists and a failure when it does not.
  ExplainedChange Explain(GroupIndex g, IpFamily family, std::optional<PopIndex> to) const;

 private:
  ExplainedChange Classify(std::size_t i, PopIndex from, std::optional<PopIndex> to, SimTime now) const;

  struct Decision {
    std::optional<PopIndex> to;
    ExplainedChange why;
    std::uint64_t sequence = 0;  // later decisions win
  };
  enum class Override : std::uint8_t { kNone, kHeld, kMoved };  // what adjusters did last round

  const std::vector<MappingTarget>& targets_;
  PolicyKnowledge knowledge_;
  std::vector<std::vector<std::size_t>> targets_of_group_;  // group -> targets standing for it
  std::vector<std::optional<PopIndex>> policy_first_;       // this round, before adjusters
  std::vector<std::vector<PopIndex>> previous_ranking_;     // the policy's, last round
  std::vector<std::vector<PopIndex>> ranking_;              // the policy's, this round
  std::size_t depth_ = 0;
  std::size_t previous_depth_ = 0;
  std::vector<Override> override_;
  std::vector<bool> down_before_;                           // pop_down at the last decision
  std::vector<std::optional<Decision>> decisions_;          // latest per target
  std::vector<std::optional<Decision>> routed_;             // latest per group x family (2)
  std::uint64_t sequence_ = 0;
  bool decided_once_ = false;
};

}  // namespace cdnlab
