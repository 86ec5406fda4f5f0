#pragma once
// Collapses concurrent misses: the first request for a key goes upstream, every request for
// the same key that arrives while it is in flight waits for that one answer.
#include <functional>
#include <map>
#include <vector>

namespace cdnlab {

template <typename Key, typename Value>
class RequestCollapser {
 public:
  using Waiter = std::function<void(const Value&)>;

  // Returns true when the caller must start the upstream request for `key` (the first
  // waiter); false when the waiter joined a request already in flight.
  bool Join(const Key& key, Waiter waiter) {
    auto [it, first] = pending_.try_emplace(key);
    it->second.push_back(std::move(waiter));
    return first;
  }
  // Hands the answer to every waiter of `key` (in arrival order) and forgets the key.
  void Complete(const Key& key, const Value& value) {
    auto it = pending_.find(key);
    if (it == pending_.end()) return;
    std::vector<Waiter> waiters = std::move(it->second);
    pending_.erase(it);
    for (auto& w : waiters) w(value);
  }
  bool InFlight(const Key& key) const { return pending_.count(key) > 0; }
  std::size_t Pending() const { return pending_.size(); }

 private:
  std::map<Key, std::vector<Waiter>> pending_;
};

}  // namespace cdnlab
