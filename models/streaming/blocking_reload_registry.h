#pragma once
// Requests held open by LL-HLS blocking reloads (and preload-hinted part requests): each waits
// for one condition (a key, e.g. stream + _HLS_msn/_HLS_part), identical waiting requests are
// collapsed into one group (a cache makes one upstream request for the group), and every
// group is released either when its condition is met (Release/ReleaseIf) or when its bound
// passes (ExpireDue; the server then answers 503). Plain values, no I/O: the runtime calls
// ExpireDue from a timer at NextDeadline().
#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "models/core/sim_time.h"

namespace cdnlab {

template <typename Key, typename Value>
class BlockingReloadRegistry {
 public:
  using Waiter = std::function<void(const Value&)>;

  // Returns true when `waiter` is the first of its key (the caller starts the one upstream
  // request, or nothing at an origin); false when it joined a group already waiting. The
  // group's deadline is its first waiter's.
  bool Wait(const Key& key, SimTime deadline, Waiter waiter) {
    auto [it, first] = groups_.try_emplace(key);
    if (first) it->second.deadline = deadline;
    it->second.waiters.push_back(std::move(waiter));
    ++waiting_;
    return first;
  }
  // Hands `value` to every waiter of `key` (arrival order) and forgets the group.
  void Release(const Key& key, const Value& value) {
    auto it = groups_.find(key);
    if (it == groups_.end()) return;
    std::vector<Waiter> waiters = Take(it);
    for (auto& w : waiters) w(value);
  }
  // Releases every group for which `answer(key)` gives a value (e.g. "the part arrived").
  void ReleaseIf(const std::function<std::optional<Value>(const Key&)>& answer) {
    std::vector<std::pair<std::vector<Waiter>, Value>> fired;
    for (auto it = groups_.begin(); it != groups_.end();) {
      std::optional<Value> value = answer(it->first);
      if (!value) {
        ++it;
        continue;
      }
      auto next = std::next(it);
      fired.emplace_back(Take(it), std::move(*value));
      it = next;
    }
    Call(fired);
  }
  // Releases the groups whose deadline is at or before `now` with `value(key)`.
  void ExpireDue(SimTime now, const std::function<Value(const Key&)>& value) {
    std::vector<std::pair<std::vector<Waiter>, Value>> fired;
    for (auto it = groups_.begin(); it != groups_.end();) {
      if (it->second.deadline > now) {
        ++it;
        continue;
      }
      auto next = std::next(it);
      Value v = value(it->first);
      fired.emplace_back(Take(it), std::move(v));
      it = next;
    }
    Call(fired);
  }
  std::optional<SimTime> NextDeadline() const {
    std::optional<SimTime> next;
    for (const auto& [key, group] : groups_) {
      if (!next || group.deadline < *next) next = group.deadline;
    }
    return next;
  }
  std::size_t Groups() const { return groups_.size(); }
  std::size_t Waiting() const { return waiting_; }
  bool Holds(const Key& key) const { return groups_.count(key) > 0; }

 private:
  struct Group {
    SimTime deadline{0};
    std::vector<Waiter> waiters;
  };
  using Iterator = typename std::map<Key, Group>::iterator;

  // The group is forgotten before its waiters run: they may call back into the registry.
  std::vector<Waiter> Take(Iterator it) {
    std::vector<Waiter> waiters = std::move(it->second.waiters);
    groups_.erase(it);
    waiting_ -= waiters.size();
    return waiters;
  }
  static void Call(std::vector<std::pair<std::vector<Waiter>, Value>>& fired) {
    for (auto& [waiters, value] : fired) {
      for (auto& w : waiters) w(value);
    }
  }

  std::map<Key, Group> groups_;
  std::size_t waiting_ = 0;
};

}  // namespace cdnlab
