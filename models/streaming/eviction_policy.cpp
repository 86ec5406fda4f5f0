#include "models/streaming/eviction_policy.h"

#include <algorithm>
#include <cmath>
#include <list>
#include <unordered_map>

#include "models/streaming/content_key_hash.h"

namespace cdnlab {
namespace {

// A recency list: front = most recently used, back = least. Every operation O(1) on average
// (a hash map of list positions).
class RecencyList {
 public:
  bool Contains(const ContentKey& key) const { return where_.count(key) > 0; }
  void PushFront(const ContentKey& key) {
    order_.push_front(key);
    where_[key] = order_.begin();
  }
  // Moves an entry to the front; false if absent.
  bool Touch(const ContentKey& key) {
    auto it = where_.find(key);
    if (it == where_.end()) return false;
    order_.splice(order_.begin(), order_, it->second);
    return true;
  }
  bool Remove(const ContentKey& key) {
    auto it = where_.find(key);
    if (it == where_.end()) return false;
    order_.erase(it->second);
    where_.erase(it);
    return true;
  }
  std::optional<ContentKey> Back() const {
    if (order_.empty()) return std::nullopt;
    return order_.back();
  }
  std::size_t Size() const { return order_.size(); }

 private:
  std::list<ContentKey> order_;
  std::unordered_map<ContentKey, std::list<ContentKey>::iterator, ContentKeyHash> where_;
};

class LruEviction final : public EvictionPolicy {
 public:
  void Inserted(const ContentKey& key) override {
    if (!entries_.Touch(key)) entries_.PushFront(key);
  }
  void Accessed(const ContentKey& key) override { entries_.Touch(key); }
  void Erased(const ContentKey& key) override { entries_.Remove(key); }
  std::optional<ContentKey> Victim() const override { return entries_.Back(); }
  std::string Name() const override { return "lru"; }

 private:
  RecencyList entries_;
};

// Segmented LRU (Karedla et al., 1994): probation holds objects seen once, protected those
// seen again. The protected segment holds at most floor(protected_fraction * entries) (at
// least one); its overflow goes back to the most recently used end of probation, so it gets
// another chance before it is evicted. The victim is probation's least recently used entry,
// else protected's.
class SlruEviction final : public EvictionPolicy {
 public:
  explicit SlruEviction(double protected_fraction)
      : fraction_(std::isfinite(protected_fraction) ? std::clamp(protected_fraction, 0.0, 1.0) : 0.8) {}

  void Inserted(const ContentKey& key) override {
    if (probation_.Contains(key) || protected_.Contains(key)) {
      Accessed(key);
      return;
    }
    probation_.PushFront(key);
  }
  void Accessed(const ContentKey& key) override {
    if (protected_.Touch(key)) return;
    if (!probation_.Remove(key)) return;  // unknown key
    protected_.PushFront(key);
    Rebalance();
  }
  void Erased(const ContentKey& key) override {
    if (!probation_.Remove(key)) protected_.Remove(key);
    Rebalance();
  }
  std::optional<ContentKey> Victim() const override {
    if (auto victim = probation_.Back()) return victim;
    return protected_.Back();
  }
  std::string Name() const override { return "slru"; }

 private:
  void Rebalance() {
    const std::size_t total = probation_.Size() + protected_.Size();
    // At least one protected entry (unless the fraction is 0), so a tiny cache still keeps
    // its one popular object.
    auto limit = static_cast<std::size_t>(std::floor(fraction_ * static_cast<double>(total)));
    if (fraction_ > 0 && total > 0) limit = std::max<std::size_t>(limit, 1);
    while (protected_.Size() > limit) {
      const ContentKey demoted = *protected_.Back();
      protected_.Remove(demoted);
      probation_.PushFront(demoted);
    }
  }

  double fraction_;
  RecencyList probation_;
  RecencyList protected_;
};

}  // namespace

std::unique_ptr<EvictionPolicy> MakeLruEviction() { return std::make_unique<LruEviction>(); }

std::unique_ptr<EvictionPolicy> MakeSlruEviction(double protected_fraction) {
  return std::make_unique<SlruEviction>(protected_fraction);
}

std::unique_ptr<EvictionPolicy> MakeEvictionPolicy(const std::string& name) {
  if (name == "lru") return MakeLruEviction();
  if (name == "slru") return MakeSlruEviction();
  return nullptr;
}

}  // namespace cdnlab
