#include "models/routing/grouped_target_sums.h"

#include <algorithm>

namespace cdnlab {
namespace {

// Sums kept for at most this many (target, PoP) pairs; beyond it many-group targets are read
// directly (their sums would cost more memory than the reads they save).
constexpr std::size_t kMaxSumCells = std::size_t{1} << 24;

}  // namespace

void GroupedTargetSums::Begin(const std::vector<MappingTarget>& targets, std::size_t pops) {
  if (planned_for_ != targets.data() || planned_size_ != targets.size() || planned_pops_ != pops) {
    planned_for_ = targets.data();
    planned_size_ = targets.size();
    planned_pops_ = pops;
    members_.clear();
    slots_.clear();
    slot_of_target_.assign(targets.size(), -1);
    std::size_t groups = 0;
    for (const MappingTarget& t : targets) {
      for (const auto& [g, w] : t.groups) groups = std::max<std::size_t>(groups, g + 1);
    }
    members_.resize(groups);
    added_round_.assign(groups, 0);
    round_ = 0;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const auto& list = targets[i].groups;
      if (list.size() < 2 || (slots_.size() + 1) * pops > kMaxSumCells) continue;
      const auto slot = static_cast<std::uint32_t>(slots_.size());
      slots_.push_back(Slot{i, list.size(), 0, false, {}});
      slot_of_target_[i] = slot;
      for (std::size_t k = 0; k < list.size(); ++k) {
        members_[list[k].first].push_back(Member{slot, static_cast<std::uint32_t>(k), list[k].second});
      }
    }
  }
  ++round_;
  if (round_ == 0) {  // wrapped: no group may look added already
    std::fill(added_round_.begin(), added_round_.end(), 0);
    round_ = 1;
  }
  for (Slot& slot : slots_) {
    slot.next = 0;
    slot.broken = false;
    slot.sums.weighted.assign(pops, 0.0);
    slot.sums.covered.assign(pops, 0.0);
    slot.sums.total = 0;
  }
  active_ = !slots_.empty();
}

const GroupedTargetSums::Sums* GroupedTargetSums::Complete(std::size_t index) const {
  if (!active_ || index >= slot_of_target_.size() || slot_of_target_[index] < 0) return nullptr;
  const Slot& slot = slots_[static_cast<std::size_t>(slot_of_target_[index])];
  return !slot.broken && slot.next == slot.groups ? &slot.sums : nullptr;
}

}  // namespace cdnlab
