// LiveCache: freshness by kind (playlists briefly, segments long), byte capacity with
// eviction, objects larger than the cache, replacement, and what is never stored.
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "models/streaming/live_cache.h"

namespace cdnlab {
namespace {

ContentKey Playlist() { return ContentKey{"news", true, 0}; }
ContentKey Seg(std::uint64_t seq) { return ContentKey{"news", false, seq}; }

ContentResponse Found(std::uint64_t bytes, const std::string& by = "ingest-1") {
  ContentResponse r;
  r.found = true;
  r.bytes = bytes;
  r.served_by = by;
  return r;
}

SimTime At(double seconds) { return FromSeconds(seconds); }

// Playlists fresh for 1 s, segments for 300 s, expired copies kept `stale` for stale-if-error.
CacheFreshness FreshnessWithStale(Duration stale) {
  CacheFreshness f;
  f.playlist_ttl = FromMillis(1000);
  f.segment_ttl = FromSeconds(300);
  f.stale_if_error = stale;
  return f;
}

TEST(LiveCache, PlaylistsAndSegmentsHaveTheirOwnFreshness) {
  // No stale-if-error here: an expired entry is gone at once (see ExpiredCopiesServeErrors).
  LiveCache cache(1'000'000, FreshnessWithStale(Duration::zero()), MakeLruEviction());
  cache.Store(Playlist(), Found(300), At(10));
  cache.Store(Seg(5), Found(1000), At(10));
  EXPECT_EQ(cache.Entries(), 2u);
  EXPECT_EQ(cache.BytesUsed(), 1300u);

  EXPECT_TRUE(cache.Lookup(Playlist(), At(10.999)).has_value());
  EXPECT_FALSE(cache.Lookup(Playlist(), At(11.0)).has_value());  // expired exactly at ttl
  EXPECT_EQ(cache.Entries(), 1u);  // erased on that lookup
  EXPECT_EQ(cache.BytesUsed(), 1000u);
  EXPECT_FALSE(cache.Lookup(Playlist(), At(10.5)).has_value());  // gone for good

  EXPECT_TRUE(cache.Lookup(Seg(5), At(309.999)).has_value());
  EXPECT_FALSE(cache.Lookup(Seg(5), At(310)).has_value());
  EXPECT_EQ(cache.Entries(), 0u);
  EXPECT_EQ(cache.BytesUsed(), 0u);
  EXPECT_EQ(cache.Evictions(), 0u);  // expiry is not eviction
}

TEST(LiveCache, ExpiredCopiesServeErrorsWithinTheStaleBound) {
  LiveCache cache(1'000'000, FreshnessWithStale(FromSeconds(10)), MakeLruEviction());
  cache.Store(Playlist(), Found(300), At(10));
  auto fresh = cache.LookupIfError(Playlist(), At(10.5));
  ASSERT_TRUE(fresh.has_value());
  EXPECT_FALSE(fresh->stale);
  EXPECT_FALSE(cache.Lookup(Playlist(), At(11.0)).has_value());  // expired: a miss for a request...
  EXPECT_EQ(cache.Entries(), 1u);                                // ...but kept for errors
  auto stale = cache.LookupIfError(Playlist(), At(20.999));
  ASSERT_TRUE(stale.has_value());
  EXPECT_TRUE(stale->stale);
  EXPECT_EQ(stale->bytes, 300u);
  EXPECT_FALSE(cache.LookupIfError(Playlist(), At(21.0)).has_value());  // 10 s past expiry: gone
  EXPECT_EQ(cache.Entries(), 0u);
  EXPECT_EQ(cache.BytesUsed(), 0u);
  // A new copy is fresh (not stale) again.
  cache.Store(Playlist(), Found(200), At(30));
  EXPECT_FALSE(cache.Lookup(Playlist(), At(30.5))->stale);
}

TEST(LiveCache, LookupReturnsTheStoredResponse) {
  LiveCache cache(10'000, CacheFreshness{}, MakeLruEviction());
  ContentResponse r = Found(3);
  r.body = std::make_shared<const std::string>("abc");
  r.from_cache = true;  // whatever the caller set, the cache keeps the object, not the flag
  LivePlaylist playlist;
  playlist.stream = "news";
  playlist.segments.push_back({4, FromSeconds(2), 10});
  r.playlist = playlist;
  cache.Store(Playlist(), r, At(0));
  auto hit = cache.Lookup(Playlist(), At(0.5));
  ASSERT_TRUE(hit.has_value());
  EXPECT_TRUE(hit->found);
  EXPECT_EQ(hit->bytes, 3u);
  EXPECT_EQ(hit->served_by, "ingest-1");
  ASSERT_TRUE(hit->body);
  EXPECT_EQ(*hit->body, "abc");
  ASSERT_TRUE(hit->playlist.has_value());
  EXPECT_EQ(hit->playlist->LastSequence(), 4u);
  EXPECT_FALSE(hit->from_cache);
}

TEST(LiveCache, NotFoundIsNeverStored) {
  LiveCache cache(10'000, CacheFreshness{}, MakeLruEviction());
  ContentResponse missing;
  missing.bytes = 10;
  cache.Store(Seg(1), missing, At(0));
  EXPECT_EQ(cache.Entries(), 0u);
  EXPECT_FALSE(cache.Lookup(Seg(1), At(0)).has_value());
}

TEST(LiveCache, EvictsUntilTheNewObjectFits) {
  LiveCache cache(1000, CacheFreshness{}, MakeLruEviction());
  for (std::uint64_t i = 1; i <= 3; ++i) cache.Store(Seg(i), Found(300), At(0));
  EXPECT_EQ(cache.BytesUsed(), 900u);
  EXPECT_EQ(cache.Evictions(), 0u);

  cache.Store(Seg(4), Found(300), At(0));  // 1 goes
  EXPECT_EQ(cache.Evictions(), 1u);
  EXPECT_EQ(cache.Entries(), 3u);
  EXPECT_EQ(cache.BytesUsed(), 900u);
  EXPECT_FALSE(cache.Lookup(Seg(1), At(0)).has_value());

  ASSERT_TRUE(cache.Lookup(Seg(2), At(0)).has_value());  // 2 used: 3 is the oldest now
  cache.Store(Seg(5), Found(700), At(0));                 // needs two to go: 3, then 4
  EXPECT_EQ(cache.Evictions(), 3u);
  EXPECT_EQ(cache.BytesUsed(), 1000u);
  EXPECT_TRUE(cache.Lookup(Seg(2), At(0)).has_value());
  EXPECT_FALSE(cache.Lookup(Seg(3), At(0)).has_value());
  EXPECT_FALSE(cache.Lookup(Seg(4), At(0)).has_value());
  EXPECT_TRUE(cache.Lookup(Seg(5), At(0)).has_value());
}

TEST(LiveCache, AnObjectLargerThanTheCacheIsNotStoredAndEvictsNothing) {
  LiveCache cache(1000, CacheFreshness{}, MakeLruEviction());
  cache.Store(Seg(1), Found(600), At(0));
  cache.Store(Seg(2), Found(1001), At(0));
  EXPECT_EQ(cache.Entries(), 1u);
  EXPECT_EQ(cache.BytesUsed(), 600u);
  EXPECT_EQ(cache.Evictions(), 0u);
  EXPECT_TRUE(cache.Lookup(Seg(1), At(0)).has_value());
  EXPECT_FALSE(cache.Lookup(Seg(2), At(0)).has_value());

  cache.Store(Seg(3), Found(1000), At(0));  // exactly the capacity fits (after evicting 1)
  EXPECT_EQ(cache.Entries(), 1u);
  EXPECT_EQ(cache.BytesUsed(), 1000u);
  EXPECT_EQ(cache.Evictions(), 1u);
}

TEST(LiveCache, StoreReplacesTheOldVersion) {
  LiveCache cache(1000, CacheFreshness{FromMillis(1000), FromSeconds(300)}, MakeLruEviction());
  cache.Store(Playlist(), Found(100, "old"), At(0));
  cache.Store(Playlist(), Found(250, "new"), At(0.8));
  EXPECT_EQ(cache.Entries(), 1u);
  EXPECT_EQ(cache.BytesUsed(), 250u);
  auto hit = cache.Lookup(Playlist(), At(1.5));  // fresh from the second store
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->served_by, "new");
  EXPECT_EQ(cache.Evictions(), 0u);

  // A new version too large to keep still removes the old one: it must not be served.
  cache.Store(Playlist(), Found(5000, "huge"), At(1.6));
  EXPECT_EQ(cache.Entries(), 0u);
  EXPECT_EQ(cache.BytesUsed(), 0u);
  EXPECT_FALSE(cache.Lookup(Playlist(), At(1.6)).has_value());
}

TEST(LiveCache, ZeroTtlMeansNotCached) {
  LiveCache cache(1000, CacheFreshness{Duration::zero(), FromSeconds(300)}, MakeLruEviction());
  cache.Store(Playlist(), Found(100), At(0));
  EXPECT_EQ(cache.Entries(), 0u);
  EXPECT_FALSE(cache.Lookup(Playlist(), At(0)).has_value());
}

TEST(LiveCache, HitsCountForEviction) {
  LiveCache cache(300, CacheFreshness{}, MakeLruEviction());
  for (std::uint64_t i = 1; i <= 3; ++i) cache.Store(Seg(i), Found(100), At(0));
  ASSERT_TRUE(cache.Lookup(Seg(1), At(1)).has_value());
  cache.Store(Seg(4), Found(100), At(2));
  EXPECT_TRUE(cache.Lookup(Seg(1), At(3)).has_value());
  EXPECT_FALSE(cache.Lookup(Seg(2), At(3)).has_value());
  EXPECT_EQ(cache.Eviction().Name(), "lru");
}

TEST(LiveCache, ExpiredEntriesFreeTheirBytesForEvictionToo) {
  // An expired entry nobody looked up still occupies bytes; it is evicted like any other.
  LiveCache cache(200, CacheFreshness{FromMillis(1000), FromSeconds(300)}, MakeLruEviction());
  cache.Store(Playlist(), Found(100), At(0));
  cache.Store(Seg(1), Found(100), At(0));
  cache.Store(Seg(2), Found(100), At(5));  // the playlist (oldest) goes
  EXPECT_EQ(cache.Evictions(), 1u);
  EXPECT_TRUE(cache.Lookup(Seg(1), At(5)).has_value());
}

TEST(LiveCache, NeedsAnEvictionPolicy) {
  EXPECT_THROW(LiveCache(100, CacheFreshness{}, nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace cdnlab
