#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/routing/mapping_target.h"

namespace cdnlab {

// The per-PoP score sums of the targets that stand for many groups (resolver rows, the default
// row), filled while the one-group rows read each group's cells, so that a recompute reads every
// cell of the store once instead of once per target holding it (three times at 100,000 groups).
//
// A group's cells are added to a many-group target only in that target's own group order (the
// order its sums would add them when read directly), so its sums are bit-identical; a target
// whose groups arrive in another order (or not all of them) is not Complete and is read directly.
class GroupedTargetSums {
 public:
  // One group's contribution: called with (target, weight) for each many-group target holding it.
  struct Sums {
    std::vector<double> weighted;  // per PoP: sum of weight x score over groups with a fresh cell
    std::vector<double> covered;   // per PoP: sum of weight over those groups
    double total = 0;              // sum of weight over every group of the target
  };

  // Starts a round over `targets` with `pops` PoPs: plans which targets to fill (again only when
  // the target list changed) and zeroes their sums.
  void Begin(const std::vector<MappingTarget>& targets, std::size_t pops);
  void End() { active_ = false; }

  // Whether group g's cells should be added now: a round is active and g was not added yet.
  bool Wants(GroupIndex g) const {
    return active_ && g < added_round_.size() && added_round_[g] != round_ && !members_[g].empty();
  }
  // Adds group g's fresh cells (p, score) — `add(sums, weight)` is called once per target holding
  // g and must add the group's cells to `sums` with that weight — then marks g added.
  template <typename AddTo>
  void Add(GroupIndex g, AddTo&& add) {
    added_round_[g] = round_;
    for (const Member& m : members_[g]) {
      Slot& slot = slots_[m.slot];
      if (slot.next != m.position) {  // out of the target's order: its sums would differ
        slot.broken = true;
        continue;
      }
      ++slot.next;
      slot.sums.total += m.weight;
      add(slot.sums, m.weight);
    }
  }

  // The complete sums of target `index` this round, or nullptr (not a many-group target, or
  // not every group was added in order): then read the target directly.
  const Sums* Complete(std::size_t index) const;

 private:
  struct Member {
    std::uint32_t slot;      // which filled target
    std::uint32_t position;  // the group's place in that target's list
    double weight;
  };
  struct Slot {
    std::size_t target = 0;
    std::size_t groups = 0;
    std::size_t next = 0;  // the position of the next group expected
    bool broken = false;
    Sums sums;
  };

  const MappingTarget* planned_for_ = nullptr;  // the target list the plan was built for
  std::size_t planned_size_ = 0;
  std::size_t planned_pops_ = 0;
  std::vector<std::vector<Member>> members_;   // per group
  std::vector<Slot> slots_;
  std::vector<std::int64_t> slot_of_target_;    // -1: not filled here
  std::vector<std::uint32_t> added_round_;      // per group: the round it was last added in
  std::uint32_t round_ = 0;
  bool active_ = false;
};

}  // namespace cdnlab
