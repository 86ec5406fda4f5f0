// The small federation pieces the gateways and agents stand on: a command record's target and
// acknowledgement sets, retransmission backoff, and the in-memory server cache.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "models/core/seeded_random_source.h"
#include "models/federation/command_record.h"
#include "models/federation/in_memory_content_store.h"
#include "models/federation/retry_policy.h"

namespace cdnlab {
namespace {

using Set = std::set<std::string>;

// Draws a fixed value: 0 -> factor 1 - jitter, just under 2^64 -> almost 1 + jitter.
class FixedRandom final : public RandomSource {
 public:
  explicit FixedRandom(std::uint64_t value) : value_(value) {}
  std::uint64_t NextU64() override {
    ++draws;
    return value_;
  }
  int draws = 0;

 private:
  std::uint64_t value_;
};

TEST(CommandRecord, TargetedAndAcknowledgedIncludeDownstreams) {
  CommandRecord r(TriggerStatusResource(TriggerCommand{}, SimTime(0)));
  EXPECT_TRUE(r.TargetedServers().empty());
  ServerTarget p1;
  p1.server = "b-p1";
  p1.acknowledged = true;
  ServerTarget e1;
  e1.server = "b-e1";
  r.servers = {p1, e1};
  DownstreamTarget c;
  c.platform = "cdn-c";
  c.targeted_servers = {"c-e1", "c-e2"};
  c.acknowledged_servers = {"c-e2"};
  DownstreamTarget d;
  d.platform = "cdn-d";
  d.targeted_servers = {"d-e1", "b-e1"};
  r.downstreams = {c, d};
  EXPECT_EQ(r.TargetedServers(), (Set{"b-p1", "b-e1", "c-e1", "c-e2", "d-e1"}));
  EXPECT_EQ(r.AcknowledgedServers(), (Set{"b-p1", "c-e2"}));
}

TEST(RetryPolicy, ExponentialCappedWithoutJitter) {
  RetryPolicy p;
  p.jitter = 0;
  FixedRandom random(12345);
  EXPECT_EQ(p.Backoff(1, random), FromMillis(250));
  EXPECT_EQ(p.Backoff(2, random), FromMillis(500));
  EXPECT_EQ(p.Backoff(4, random), FromMillis(2000));
  EXPECT_EQ(p.Backoff(5, random), FromSeconds(4)) << "capped at max";
  EXPECT_EQ(p.Backoff(6, random), FromSeconds(4));
  EXPECT_EQ(p.Backoff(100000, random), FromSeconds(4)) << "no overflow";
  EXPECT_EQ(p.Backoff(0, random), FromMillis(250)) << "attempt below 1 counts as the first";
  EXPECT_EQ(random.draws, 7) << "one draw per call";
}

TEST(RetryPolicy, JitterStaysWithinBounds) {
  RetryPolicy p;  // jitter 0.1
  FixedRandom low(0);
  EXPECT_EQ(p.Backoff(2, low), FromMillis(450));
  FixedRandom high(~std::uint64_t{0});
  const Duration top = p.Backoff(5, high);
  EXPECT_GT(top, FromMillis(4399));
  EXPECT_LE(top, FromMillis(4400));
  SeededRandomSource a(7), b(7);
  for (int attempt = 1; attempt <= 12; ++attempt) {
    const Duration d = p.Backoff(attempt, a);
    EXPECT_EQ(d, p.Backoff(attempt, b)) << "same seed, same waits";
    const double base = std::min(250.0 * std::pow(2.0, attempt - 1), 4000.0);
    EXPECT_GE(ToMillis(d), base * 0.9 - 1e-6);
    EXPECT_LE(ToMillis(d), base * 1.1 + 1e-6);
  }
}

TEST(InMemoryContentStore, TriggerOperations) {
  InMemoryContentStore store;
  store.Put("https://a/1", "c1");
  store.Put("https://a/2");
  EXPECT_EQ(store.Size(), 2u);
  EXPECT_TRUE(store.MarkStale("https://a/1"));
  EXPECT_TRUE(store.Get("https://a/1")->stale);
  EXPECT_EQ(store.Get("https://a/1")->ccid, "c1");
  EXPECT_FALSE(store.MarkStale("https://a/9"));
  EXPECT_TRUE(store.Remove("https://a/2"));
  EXPECT_FALSE(store.Remove("https://a/2"));
  EXPECT_FALSE(store.Get("https://a/2").has_value());
  // Preposition only what the origin has, with the origin's ccid, fresh.
  EXPECT_FALSE(store.Preposition("https://a/3"));
  EXPECT_FALSE(store.Get("https://a/3").has_value());
  store.AddOriginObject("https://a/3", "c3");
  store.AddOriginObject("https://a/1", "c1");
  EXPECT_TRUE(store.Preposition("https://a/3"));
  EXPECT_EQ(store.Get("https://a/3")->ccid, "c3");
  EXPECT_TRUE(store.Preposition("https://a/1"));
  EXPECT_FALSE(store.Get("https://a/1")->stale) << "a prepositioned copy is fresh";
  const auto all = store.List();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].url, "https://a/1");
  EXPECT_EQ(all[1].url, "https://a/3");
  store.InvalidateMetadata("conf1");
  EXPECT_TRUE(store.MetadataStale("conf1"));
  store.PrepositionMetadata("conf1");
  EXPECT_FALSE(store.MetadataStale("conf1"));
}

}  // namespace
}  // namespace cdnlab
