#pragma once
// Which cached object goes when a cache is full. The cache tells the policy what happens
// (insert, hit, erase) and asks it for a victim; policies never see bytes or time.
#include <memory>
#include <optional>
#include <string>

#include "models/streaming/live_stream.h"

namespace cdnlab {

class EvictionPolicy {
 public:
  virtual ~EvictionPolicy() = default;
  virtual void Inserted(const ContentKey& key) = 0;
  virtual void Accessed(const ContentKey& key) = 0;
  virtual void Erased(const ContentKey& key) = 0;
  // The next object to evict; nullopt when empty.
  virtual std::optional<ContentKey> Victim() const = 0;
  virtual std::string Name() const = 0;
};

// Least recently used.
std::unique_ptr<EvictionPolicy> MakeLruEviction();
// Segmented LRU: new objects enter a probation segment; a second access promotes them to a
// protected segment (`protected_fraction` of the entries). One-hit objects (a viewer that
// joined and left, a segment nobody else wants) are evicted before popular ones.
std::unique_ptr<EvictionPolicy> MakeSlruEviction(double protected_fraction = 0.8);
// "lru" | "slru"; nullptr for anything else.
std::unique_ptr<EvictionPolicy> MakeEvictionPolicy(const std::string& name);

}  // namespace cdnlab
