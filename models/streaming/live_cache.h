#pragma once
// The storage of one edge or mid-tier cache: ContentKey -> response, bounded in bytes, with
// live-appropriate freshness (a playlist changes every segment, so it is fresh for a short
// time; a segment never changes, so it is fresh for long) and a pluggable eviction policy.
#include <memory>
#include <optional>
#include <unordered_map>

#include "models/streaming/content_key_hash.h"
#include "models/streaming/eviction_policy.h"
#include "models/streaming/live_stream.h"

namespace cdnlab {

struct CacheFreshness {
  Duration playlist_ttl = FromMillis(1000);
  Duration segment_ttl = FromSeconds(300);
  // LL-HLS parts: wanted only while they are at the live edge, then the full segment replaces them.
  Duration part_ttl = FromSeconds(10);
  // RFC 5861 stale-if-error: an expired copy is kept this long past its expiry and served
  // when the upstream fetch fails (0 = never served stale).
  Duration stale_if_error = FromSeconds(10);
};

class LiveCache {
 public:
  LiveCache(std::uint64_t capacity_bytes, CacheFreshness freshness, std::unique_ptr<EvictionPolicy> eviction);

  // A fresh entry, if any (counts as an access for eviction).
  std::optional<ContentResponse> Lookup(const ContentKey& key, SimTime now);
  // The copy held, fresh or expired at most `stale_if_error` ago, for when the upstream
  // failed (marked stale if expired). Not an access for eviction.
  std::optional<ContentResponse> LookupIfError(const ContentKey& key, SimTime now);
  const CacheFreshness& Freshness() const { return freshness_; }
  // Stores a found response (evicting as needed; an object larger than the cache is not stored).
  void Store(const ContentKey& key, const ContentResponse& response, SimTime now);

  std::uint64_t BytesUsed() const { return bytes_used_; }
  std::size_t Entries() const { return entries_.size(); }
  std::uint64_t Evictions() const { return evictions_; }
  const EvictionPolicy& Eviction() const { return *eviction_; }

 private:
  struct Entry {
    ContentResponse response;
    SimTime expires_at{0};
  };
  using EntryMap = std::unordered_map<ContentKey, Entry, ContentKeyHash>;  // looked up per request
  void Erase(EntryMap::iterator it);

  std::uint64_t capacity_;
  CacheFreshness freshness_;
  std::unique_ptr<EvictionPolicy> eviction_;
  EntryMap entries_;
  std::uint64_t bytes_used_ = 0;
  std::uint64_t evictions_ = 0;
};

}  // namespace cdnlab
