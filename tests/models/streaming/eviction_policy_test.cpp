// Eviction policies: LRU order, SLRU promotion/demotion, and the reason SLRU exists — an
// object asked for twice survives a scan of one-hit objects that flushes it out of an LRU
// cache.
#include <gtest/gtest.h>

#include <string>

#include "models/streaming/eviction_policy.h"
#include "models/streaming/live_cache.h"

namespace cdnlab {
namespace {

ContentKey Seg(std::uint64_t seq, const std::string& stream = "news") { return ContentKey{stream, false, seq}; }

TEST(LruEviction, EvictsLeastRecentlyUsed) {
  auto lru = MakeLruEviction();
  EXPECT_EQ(lru->Name(), "lru");
  EXPECT_FALSE(lru->Victim());
  lru->Inserted(Seg(1));
  lru->Inserted(Seg(2));
  lru->Inserted(Seg(3));
  EXPECT_EQ(lru->Victim(), Seg(1));
  lru->Accessed(Seg(1));  // 2 is now the oldest
  EXPECT_EQ(lru->Victim(), Seg(2));
  lru->Erased(Seg(2));
  EXPECT_EQ(lru->Victim(), Seg(3));
  lru->Inserted(Seg(3));  // inserting a known key counts as a use
  EXPECT_EQ(lru->Victim(), Seg(1));
  lru->Erased(Seg(1));
  lru->Erased(Seg(3));
  EXPECT_FALSE(lru->Victim());
}

TEST(LruEviction, IgnoresKeysItNeverSaw) {
  auto lru = MakeLruEviction();
  lru->Inserted(Seg(1));
  lru->Accessed(Seg(9));
  lru->Erased(Seg(9));
  EXPECT_EQ(lru->Victim(), Seg(1));
}

TEST(SlruEviction, ProbationFirstThenProtected) {
  auto slru = MakeSlruEviction(0.8);
  EXPECT_EQ(slru->Name(), "slru");
  EXPECT_FALSE(slru->Victim());
  for (std::uint64_t i = 1; i <= 4; ++i) slru->Inserted(Seg(i));
  EXPECT_EQ(slru->Victim(), Seg(1));
  slru->Accessed(Seg(1));  // promoted: probation's oldest is now 2
  EXPECT_EQ(slru->Victim(), Seg(2));
  slru->Erased(Seg(2));
  slru->Erased(Seg(3));
  slru->Erased(Seg(4));
  // Only the protected object is left: it is the victim now.
  EXPECT_EQ(slru->Victim(), Seg(1));
  slru->Erased(Seg(1));
  EXPECT_FALSE(slru->Victim());
}

TEST(SlruEviction, ProtectedOverflowIsDemotedToProbationsMostRecentEnd) {
  auto slru = MakeSlruEviction(0.5);
  for (std::uint64_t i = 1; i <= 4; ++i) slru->Inserted(Seg(i));
  // Protected may hold floor(0.5 * 4) = 2 of the 4 entries.
  slru->Accessed(Seg(1));
  slru->Accessed(Seg(2));
  EXPECT_EQ(slru->Victim(), Seg(3));
  slru->Accessed(Seg(3));  // protected overflows: 1, its LRU entry, goes back to probation (MRU)
  // Probation from LRU to MRU is now 4, 1.
  EXPECT_EQ(slru->Victim(), Seg(4));
  slru->Accessed(Seg(1));  // a second chance: promoted again, demoting 2
  EXPECT_EQ(slru->Victim(), Seg(4));
  slru->Accessed(Seg(4));  // promoted, demoting 3 (protected: 4, 1; probation LRU..MRU: 2, 3)
  EXPECT_EQ(slru->Victim(), Seg(2));
  slru->Erased(Seg(2));
  EXPECT_EQ(slru->Victim(), Seg(3));
}

TEST(SlruEviction, HitsInProtectedOnlyReorderIt) {
  auto slru = MakeSlruEviction(1.0);
  for (std::uint64_t i = 1; i <= 3; ++i) slru->Inserted(Seg(i));
  for (std::uint64_t i = 1; i <= 3; ++i) slru->Accessed(Seg(i));  // all protected: 1 oldest
  EXPECT_EQ(slru->Victim(), Seg(1));
  slru->Accessed(Seg(1));
  EXPECT_EQ(slru->Victim(), Seg(2));
}

TEST(EvictionPolicyFactory, KnowsLruAndSlruOnly) {
  ASSERT_NE(MakeEvictionPolicy("lru"), nullptr);
  EXPECT_EQ(MakeEvictionPolicy("lru")->Name(), "lru");
  ASSERT_NE(MakeEvictionPolicy("slru"), nullptr);
  EXPECT_EQ(MakeEvictionPolicy("slru")->Name(), "slru");
  EXPECT_EQ(MakeEvictionPolicy("LRU"), nullptr);
  EXPECT_EQ(MakeEvictionPolicy(""), nullptr);
  EXPECT_EQ(MakeEvictionPolicy("fifo"), nullptr);
  EXPECT_EQ(MakeEvictionPolicy("lru "), nullptr);
}

// A cache of 5 objects of 100 bytes: one object is asked for twice, then 20 objects are
// stored once each (a scan: viewers of an unpopular stream that came and went).
bool HotObjectSurvivesScan(std::unique_ptr<EvictionPolicy> policy) {
  LiveCache cache(500, CacheFreshness{}, std::move(policy));
  ContentResponse object;
  object.found = true;
  object.bytes = 100;
  const ContentKey hot{"popular", false, 1};
  cache.Store(hot, object, SimTime{0});
  EXPECT_TRUE(cache.Lookup(hot, SimTime{0}).has_value());  // second access
  for (std::uint64_t i = 0; i < 20; ++i) cache.Store(Seg(i, "scan"), object, SimTime{0});
  EXPECT_EQ(cache.Entries(), 5u);
  EXPECT_EQ(cache.Evictions(), 16u);
  return cache.Lookup(hot, SimTime{0}).has_value();
}

TEST(EvictionPolicies, SlruKeepsATwiceUsedObjectOverAScanThatFlushesLru) {
  EXPECT_FALSE(HotObjectSurvivesScan(MakeLruEviction()));
  EXPECT_TRUE(HotObjectSurvivesScan(MakeSlruEviction()));
}

TEST(EvictionPolicies, ManyOperationsStayConsistent) {
  // 100k inserts through a 1000-entry cache: every policy keeps exactly the capacity and
  // evicts everything beyond it (a wrong iterator or a leaked key would show here).
  for (const char* name : {"lru", "slru"}) {
    LiveCache cache(1000, CacheFreshness{}, MakeEvictionPolicy(name));
    ContentResponse object;
    object.found = true;
    object.bytes = 1;
    for (std::uint64_t i = 0; i < 100'000; ++i) {
      cache.Store(Seg(i), object, SimTime{0});
      if (i % 3 == 0) cache.Lookup(Seg(i / 2), SimTime{0});
    }
    EXPECT_EQ(cache.Entries(), 1000u) << name;
    EXPECT_EQ(cache.BytesUsed(), 1000u) << name;
    EXPECT_EQ(cache.Evictions(), 99'000u) << name;
  }
}

}  // namespace
}  // namespace cdnlab
