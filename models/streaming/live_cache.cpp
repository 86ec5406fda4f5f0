#include "models/streaming/live_cache.h"

#include <stdexcept>
#include <utility>

namespace cdnlab {

LiveCache::LiveCache(std::uint64_t capacity_bytes, CacheFreshness freshness, std::unique_ptr<EvictionPolicy> eviction)
    : capacity_(capacity_bytes), freshness_(freshness), eviction_(std::move(eviction)) {
  if (!eviction_) throw std::invalid_argument("LiveCache needs an eviction policy");
}

std::optional<ContentResponse> LiveCache::Lookup(const ContentKey& key, SimTime now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.expires_at <= now) {
    // Expired: a miss; kept while it may still be served stale (then gone, not an eviction).
    if (it->second.expires_at + freshness_.stale_if_error <= now) Erase(it);
    return std::nullopt;
  }
  eviction_->Accessed(key);
  return it->second.response;
}

std::optional<ContentResponse> LiveCache::LookupIfError(const ContentKey& key, SimTime now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.expires_at + freshness_.stale_if_error <= now) {
    Erase(it);
    return std::nullopt;
  }
  ContentResponse copy = it->second.response;
  copy.stale = it->second.expires_at <= now;
  return copy;
}

void LiveCache::Store(const ContentKey& key, const ContentResponse& response, SimTime now) {
  if (!response.found) return;
  // A new version replaces the old one outright (it enters the policy as a new object).
  if (auto old = entries_.find(key); old != entries_.end()) Erase(old);
  if (response.bytes > capacity_) return;  // would flush the whole cache and still not fit
  const Duration ttl = key.playlist ? freshness_.playlist_ttl : key.part ? freshness_.part_ttl : freshness_.segment_ttl;
  if (ttl <= Duration::zero()) return;  // never fresh: caching it would only evict others

  while (bytes_used_ + response.bytes > capacity_) {
    const std::optional<ContentKey> victim = eviction_->Victim();
    if (!victim) break;  // cannot happen while bytes_used_ > 0 and the policy is consistent
    auto it = entries_.find(*victim);
    if (it == entries_.end()) {
      eviction_->Erased(*victim);  // the policy knew a key the cache does not: drop it
      continue;
    }
    Erase(it);
    ++evictions_;
  }
  if (bytes_used_ + response.bytes > capacity_) return;

  Entry entry;
  entry.response = response;
  entry.response.from_cache = false;  // a property of an answer, not of the stored object
  entry.response.stale = false;
  entry.expires_at = now + ttl;
  entries_.emplace(key, std::move(entry));
  bytes_used_ += response.bytes;
  eviction_->Inserted(key);
}

void LiveCache::Erase(EntryMap::iterator it) {
  bytes_used_ -= it->second.response.bytes;
  eviction_->Erased(it->first);
  entries_.erase(it);
}

}  // namespace cdnlab
