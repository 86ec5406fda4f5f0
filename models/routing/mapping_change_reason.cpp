#include "models/routing/mapping_change_reason.h"

#include <algorithm>

namespace cdnlab {
namespace {

bool Contains(const std::vector<PopIndex>& ranking, PopIndex p) {
  return std::find(ranking.begin(), ranking.end(), p) != ranking.end();
}

std::optional<PopIndex> First(const std::vector<PopIndex>& ranking) {
  if (ranking.empty()) return std::nullopt;
  return ranking.front();
}

std::size_t FamilySlot(GroupIndex g, IpFamily family) { return 2 * g + (family == IpFamily::kV6 ? 1 : 0); }

}  // namespace

const char* MappingChangeReasonName(MappingChangeReason reason) {
  switch (reason) {
    case MappingChangeReason::kBetterRtt: return "better_rtt";
    case MappingChangeReason::kPopFailed: return "pop_failed";
    case MappingChangeReason::kPopStale: return "pop_stale";
    case MappingChangeReason::kPopRecovered: return "pop_recovered";
    case MappingChangeReason::kCapacitySpill: return "capacity_spill";
    case MappingChangeReason::kDwellExpired: return "dwell_expired";
    case MappingChangeReason::kExploration: return "exploration";
    case MappingChangeReason::kFirstMapping: return "first_mapping";
  }
  return "?";
}

std::vector<MappingChangeReason> AllMappingChangeReasons() {
  using R = MappingChangeReason;
  return {R::kBetterRtt,     R::kPopFailed,    R::kPopStale,    R::kPopRecovered,
          R::kCapacitySpill, R::kDwellExpired, R::kExploration, R::kFirstMapping};
}

MappingChangeReasons::MappingChangeReasons(const std::vector<MappingTarget>& targets, std::size_t groups,
                                           std::size_t pops, PolicyKnowledge knowledge)
    : targets_(targets),
      knowledge_(std::move(knowledge)),
      targets_of_group_(groups),
      policy_first_(targets.size()),
      override_(targets.size(), Override::kNone),
      down_before_(pops, false),
      decisions_(targets.size()),
      routed_(2 * groups) {
  for (std::size_t i = 0; i < targets.size(); ++i) {
    for (const auto& [g, w] : targets[i].groups) {
      if (g < groups) targets_of_group_[g].push_back(i);
    }
  }
  // A group is answered by the narrowest row standing for it: its own prefix before its
  // resolver's row before the default row. Fewer groups = narrower (stable: ties keep order).
  for (auto& list : targets_of_group_) {
    std::stable_sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) {
      return targets_[a].groups.size() < targets_[b].groups.size();
    });
  }
}

void MappingChangeReasons::PolicyRanked(const std::vector<std::vector<PopIndex>>& rankings, std::size_t depth,
                                        SimTime) {
  for (std::size_t i = 0; i < rankings.size() && i < policy_first_.size(); ++i) policy_first_[i] = First(rankings[i]);
  // Only policies with RTT estimates can explore; the others need no copy of their rankings.
  if (knowledge_.score_ms) {
    previous_ranking_ = std::move(ranking_);
    ranking_ = rankings;
    previous_depth_ = depth_;
    depth_ = depth;
  }
}

ExplainedChange MappingChangeReasons::Classify(std::size_t i, PopIndex from, std::optional<PopIndex> to,
                                               SimTime now) const {
  using R = MappingChangeReason;
  if (!to) return {R::kPopFailed, std::nullopt};
  if (policy_first_[i] != to) return {R::kCapacitySpill, std::nullopt};  // an adjuster chose it
  if (override_[i] == Override::kHeld) return {R::kDwellExpired, std::nullopt};
  if (override_[i] == Override::kMoved) return {R::kCapacitySpill, std::nullopt};
  if (knowledge_.pop_down && knowledge_.pop_down(from)) return {R::kPopFailed, std::nullopt};
  if (knowledge_.pop_lossy && knowledge_.pop_lossy(i, from, *to, now)) return {R::kPopFailed, std::nullopt};
  if (decided_once_ && down_before_[*to]) return {R::kPopRecovered, std::nullopt};
  if (!knowledge_.score_ms) return {R::kBetterRtt, std::nullopt};
  const std::optional<double> from_ms = knowledge_.score_ms(i, from, now);
  if (!from_ms) return {R::kPopStale, std::nullopt};
  // A ranking cut short of its depth listed every PoP the policy could rank: one missing from
  // it had no usable measurement then.
  if (i < previous_ranking_.size()) {
    const auto& before = previous_ranking_[i];
    const bool complete = previous_depth_ == 0 || before.size() < previous_depth_;
    if (complete && !Contains(before, *to)) return {R::kExploration, std::nullopt};
  }
  const std::optional<double> to_ms = knowledge_.score_ms(i, *to, now);
  if (!to_ms) return {R::kBetterRtt, std::nullopt};
  return {R::kBetterRtt, *from_ms - *to_ms};
}

void MappingChangeReasons::Decided(const std::vector<std::vector<PopIndex>>& published,
                                   const std::vector<std::vector<PopIndex>>& decided, SimTime now) {
  for (std::size_t i = 0; i < decided.size() && i < targets_.size(); ++i) {
    const std::optional<PopIndex> from = First(published[i]);
    const std::optional<PopIndex> to = First(decided[i]);
    if (from != to) {
      const ExplainedChange why =
          from ? Classify(i, *from, to, now) : ExplainedChange{MappingChangeReason::kFirstMapping, std::nullopt};
      decisions_[i] = Decision{to, why, ++sequence_};
    }
    if (to == policy_first_[i]) {
      override_[i] = Override::kNone;
    } else {
      override_[i] = to == from ? Override::kHeld : Override::kMoved;
    }
  }
  if (knowledge_.pop_down) {
    for (PopIndex p = 0; p < down_before_.size(); ++p) down_before_[p] = knowledge_.pop_down(p);
  }
  decided_once_ = true;
}

void MappingChangeReasons::RecordRouted(GroupIndex g, IpFamily family, std::optional<PopIndex> to,
                                        MappingChangeReason reason) {
  routed_.at(FamilySlot(g, family)) = Decision{to, {reason, std::nullopt}, ++sequence_};
}

ExplainedChange MappingChangeReasons::Explain(GroupIndex g, IpFamily family, std::optional<PopIndex> to) const {
  const Decision* best = nullptr;
  if (g < targets_of_group_.size()) {
    for (std::size_t i : targets_of_group_[g]) {
      const auto& d = decisions_[i];
      if (targets_[i].prefix.Family() != family || !d || d->to != to) continue;
      best = &*d;
      break;
    }
  }
  const auto& routed = routed_.at(FamilySlot(g, family));
  if (routed && routed->to == to && (!best || routed->sequence > best->sequence)) best = &*routed;
  if (best) return best->why;
  return {to ? MappingChangeReason::kFirstMapping : MappingChangeReason::kPopFailed, std::nullopt};
}

}  // namespace cdnlab
