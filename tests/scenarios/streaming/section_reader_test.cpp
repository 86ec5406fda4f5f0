// The `streaming:` section of a scenario: what loads, where each kind of bad input is
// reported (file, line, column, field path), a streaming-only scenario without routing
// sections, and scenarios/streaming.yaml.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/scenario_text.h"

#include "scenarios/loader/scenario_loader.h"
#include "scenarios/streaming/from_scenario.h"
#include "scenarios/core/topology_from_scenario.h"

namespace cdnlab {
namespace {

using testing::ErrorOf;
using testing::PositionOf;
using testing::Replace;

// A valid streaming-only scenario; tests replace one piece to break it.
const char* kStreaming = R"(name: live
seed: 5
duration_s: 100
routers:
  - {id: r1, lat: 50, lon: 8}
  - {id: r2, lat: 51, lon: 0}
  - {id: r3, lat: 40, lon: -74}
links:
  - {a: r1, b: r2, delay_ms: 5, bandwidth_mbps: 10000}
  - {a: r2, b: r3, delay_ms: 35}
streaming:
  balancing: least_load
  load_balancer_at: r1
  segment_s: 4
  window_segments: 5
  playlist_ttl_s: 2
  eviction: slru
  ingests:
    - {id: in-a, at: r1}
    - {id: in-b, at: r2, access_delay_ms: 1}
    - {id: in-c, at: r1, join_at_s: 30}
  mids:
    - {id: mid-1, at: r1, capacity_mb: 100}
  edges:
    - {id: edge-1, at: r2, parent: mid-1}
    - {id: edge-2, at: r3, parent: mid-1, access_delay_ms: 2}
    - {id: edge-3, at: r3}
  publishers:
    - {stream: news, at: r2, start_s: 1}
    - {stream: sports, at: r3, start_s: 2, stop_s: 90, bitrate_mbps: 5}
  viewers:
    - {id: v1, edge: edge-1, stream: news, at: r2, count: 200, join_s: 10, spread_s: 10}
    - {id: v2, edge: edge-2, stream: sports, at: r3, count: 50, join_s: 20, bandwidth_mbps: 50}
  events:
    - {at_s: 60, type: ingest_fail, stream: news}
    - {at_s: 50, type: ingest_fail, ingest: in-b}
)";

// `kStreaming` with `from` replaced by `to` must fail with this issue, located where `at` occurs.
#define EXPECT_ISSUE(from, to, at, field, message) EXPECT_ISSUE_IN(kStreaming, from, to, at, field, message)

const std::string kExamplePath = std::string(CDNLAB_SOURCE_DIR) + "/scenarios/streaming.yaml";

// --- what loads ---

TEST(StreamingLoader, LoadsAStreamingOnlyScenario) {
  const Scenario s = LoadScenarioText(kStreaming, "live.yaml");
  EXPECT_FALSE(s.HasRouting());
  EXPECT_FALSE(s.federation.present);
  const StreamingSpec& st = s.streaming;
  ASSERT_TRUE(st.present);
  EXPECT_EQ(st.balancing, "least_load");
  EXPECT_EQ(st.load_balancer_at, "r1");
  EXPECT_EQ(st.segment_s, 4);
  EXPECT_EQ(st.window_segments, 5);
  EXPECT_EQ(st.playlist_ttl_s, 2);
  EXPECT_EQ(st.segment_ttl_s, 300) << "default";
  EXPECT_EQ(st.eviction, "slru");
  EXPECT_EQ(st.announce_interval_s, 1) << "default";
  EXPECT_EQ(st.announce_ttl_s, 3) << "default";
  EXPECT_EQ(st.health_interval_s, 0.2) << "default, as stream-balancer";
  EXPECT_EQ(st.health_unhealthy_after, 3) << "default";
  ASSERT_EQ(st.ingests.size(), 3u);
  EXPECT_EQ(st.ingests[0].access_delay_ms, 0.5) << "default";
  EXPECT_EQ(st.ingests[0].join_at_s, 0);
  EXPECT_EQ(st.ingests[1].access_delay_ms, 1);
  EXPECT_EQ(st.ingests[2].join_at_s, 30);
  ASSERT_EQ(st.mids.size(), 1u);
  EXPECT_EQ(st.mids[0].capacity_mb, 100u);
  EXPECT_EQ(st.mids[0].parent, "");
  ASSERT_EQ(st.edges.size(), 3u);
  EXPECT_EQ(st.edges[0].parent, "mid-1");
  EXPECT_EQ(st.edges[0].capacity_mb, 512u) << "default";
  EXPECT_EQ(st.edges[1].access_delay_ms, 2);
  EXPECT_EQ(st.edges[2].parent, "") << "an edge without a parent pulls from the ingests";
  ASSERT_EQ(st.publishers.size(), 2u);
  EXPECT_EQ(st.publishers[0].stream, "news");
  EXPECT_EQ(st.publishers[0].stop_s, 0) << "until the end";
  EXPECT_EQ(st.publishers[0].bitrate_mbps, 3) << "default";
  EXPECT_EQ(st.publishers[1].stop_s, 90);
  EXPECT_EQ(st.publishers[1].bitrate_mbps, 5);
  ASSERT_EQ(st.viewers.size(), 2u);
  EXPECT_EQ(st.viewers[0].count, 200);
  EXPECT_EQ(st.viewers[0].spread_s, 10);
  EXPECT_EQ(st.viewers[0].access_delay_ms, 5) << "default";
  EXPECT_EQ(st.viewers[0].bandwidth_mbps, 20) << "default";
  EXPECT_EQ(st.viewers[1].spread_s, 0);
  EXPECT_EQ(st.viewers[1].bandwidth_mbps, 50);
  // Events come sorted by time (stable).
  ASSERT_EQ(st.events.size(), 2u);
  EXPECT_EQ(st.events[0].at_s, 50);
  EXPECT_EQ(st.events[0].ingest, "in-b");
  EXPECT_EQ(st.events[0].stream, "");
  EXPECT_EQ(st.events[1].type, StreamingEventType::kIngestFail);
  EXPECT_EQ(st.events[1].stream, "news");
}

TEST(StreamingLoader, DefaultsAndOptionalLists) {
  std::string text = kStreaming;
  text.erase(text.find("  balancing:"), text.find("  ingests:") - text.find("  balancing:"));
  text = Replace(text, "streaming:\n", "streaming:\n  load_balancer_at: r1\n");
  text.erase(text.find("  mids:"), text.find("  edges:") - text.find("  mids:"));
  text = Replace(text, ", parent: mid-1}", "}");
  text = Replace(text, ", parent: mid-1,", ",");
  text.erase(text.find("  viewers:"));
  const Scenario s = LoadScenarioText(text, "defaults.yaml");
  const StreamingSpec& st = s.streaming;
  EXPECT_EQ(st.balancing, "consistent_hash");
  EXPECT_EQ(st.segment_s, 2);
  EXPECT_EQ(st.window_segments, 6);
  EXPECT_EQ(st.playlist_ttl_s, 1);
  EXPECT_EQ(st.eviction, "lru");
  EXPECT_TRUE(st.mids.empty());
  EXPECT_TRUE(st.viewers.empty());
  EXPECT_TRUE(st.events.empty());
  // As `cdnlab realnet stream-balancer`'s defaults.
  EXPECT_EQ(st.health_interval_s, 0.2);
  EXPECT_EQ(st.health_unhealthy_after, 3);
  EXPECT_EQ(st.player_live_sync_s, 0) << "three segments behind the newest";
}

TEST(StreamingLoader, IngestFailModeAndPlayerLiveSync) {
  std::string text = Replace(kStreaming, "{at_s: 50, type: ingest_fail, ingest: in-b}",
                             "{at_s: 50, type: ingest_fail, ingest: in-b, mode: blackhole}");
  text = Replace(text, "  eviction: slru\n", "  eviction: slru\n  player_live_sync_s: 3\n");
  const Scenario s = LoadScenarioText(text, "modes.yaml");
  const StreamingSpec& st = s.streaming;
  ASSERT_EQ(st.events.size(), 2u);
  EXPECT_EQ(st.events[0].mode, IngestFailMode::kBlackhole);
  EXPECT_EQ(st.events[1].mode, IngestFailMode::kCrash) << "default: a process crash, as compare-streaming's SIGKILL";
  EXPECT_EQ(st.player_live_sync_s, 3);
  // Segments of 4 s: the position 3 s behind the edge lies in the newest segment.
  EXPECT_EQ(StreamingPlayerConfig(st).start_offset, 0);
  StreamingSpec two = st;
  two.segment_s = 2;
  EXPECT_EQ(StreamingPlayerConfig(two).start_offset, 1);
  two.player_live_sync_s = 0;
  EXPECT_EQ(StreamingPlayerConfig(two).start_offset, PlayerConfig{}.start_offset);
  EXPECT_ISSUE("ingest: in-b}", "ingest: in-b, mode: freeze}", "freeze", "streaming.events[1].mode",
               "unknown ingest_fail mode 'freeze'; expected one of: crash");
  EXPECT_ISSUE("  eviction: slru\n", "  eviction: slru\n  player_live_sync_s: -1\n", "-1",
               "streaming.player_live_sync_s", "expected seconds in [0, 600] behind the live edge");
}

TEST(StreamingLoader, AStreamingOnlyScenarioBuildsARouterTopology) {
  const Scenario s = LoadScenarioText(kStreaming, "live.yaml");
  const TopologyGraph g = BuildTopology(s);
  EXPECT_EQ(g.NodeCount(), 3u) << "routers only: streaming nodes hang off them";
  EXPECT_EQ(g.LinkCount(), 2u);
}

TEST(StreamingLoader, RoutingSectionsComeAllOrNone) {
  const std::string text = Replace(kStreaming, "links:\n", "pops:\n  - {id: p1, lat: 50, lon: 8, servers: 1, capacity_rps: 1}\nlinks:\n");
  const std::string m = ErrorOf(text);
  EXPECT_MENTIONS(m, "bad.yaml:1:1: field 'dns': missing required key 'dns': a scenario with 'streaming' may leave "
                     "out all of pops, client_groups, resolvers, dns and policies, but not only some ('pops' is "
                     "present)");
  for (const char* key : {"client_groups", "resolvers", "policies"}) {
    EXPECT_MENTIONS(m, std::string("bad.yaml:1:1: field '") + key + "': missing required key '" + key + "': ");
  }
}

TEST(StreamingLoader, ASingleRouterNeedsNoLinks) {
  std::string text = kStreaming;
  text.erase(text.find("  - {id: r2"), text.find("streaming:") - text.find("  - {id: r2"));
  for (const char* node : {"r2", "r3"}) {
    while (text.find(std::string("at: ") + node) != std::string::npos) {
      text = Replace(text, std::string("at: ") + node, "at: r1");
    }
  }
  const Scenario s = LoadScenarioText(text, "one.yaml");
  EXPECT_TRUE(s.links.empty());
}

TEST(StreamingLoader, RoutingFederationAndStreamingTogether) {
  const std::string text = R"(name: all
seed: 1
duration_s: 60
routers:
  - {id: r1, lat: 50, lon: 8}
pops:
  - {id: p1, lat: 50, lon: 8, servers: 1, capacity_rps: 100}
resolvers:
  - {id: res1, lat: 50, lon: 8}
client_groups:
  - {id: g1, prefix: 10.1.0.0/24, lat: 51, lon: 7, population: 1000, resolver: res1}
dns: {id: dns, lat: 50, lon: 8, zone: example.net, hostname: cdn.example.net, ttl_s: 30}
links:
  - {a: p1, b: r1}
  - {a: g1, b: r1}
  - {a: res1, b: r1}
  - {a: dns, b: r1}
policies:
  - {name: geo}
streaming:
  load_balancer_at: r1
  ingests:
    - {id: in-a, at: p1}
  edges:
    - {id: edge-1, at: dns}
  publishers:
    - {stream: news, at: g1}
)";
  const Scenario s = LoadScenarioText(text, "all.yaml");
  EXPECT_TRUE(s.HasRouting());
  EXPECT_TRUE(s.streaming.present);
  // Streaming ids share the scenario's namespace with the topology.
  EXPECT_MENTIONS(ErrorOf(Replace(text, "{id: in-a", "{id: g1")),
                  "bad.yaml:" + PositionOf(Replace(text, "{id: in-a", "{id: g1"), "{id: ^g1, at") +
                      ": field 'streaming.ingests[0].id': id 'g1' is already used by client_groups[0].id");
}

TEST(StreamingLoader, TheExampleScenarioLoads) {
  const Scenario s = LoadScenarioFile(kExamplePath);
  const StreamingSpec& st = s.streaming;
  ASSERT_TRUE(st.present);
  EXPECT_FALSE(s.HasRouting());
  EXPECT_GE(s.routers.size(), 6u);
  EXPECT_LE(s.routers.size(), 8u);
  for (const auto& l : s.links) {
    EXPECT_TRUE(l.delay_ms.has_value()) << l.a << "-" << l.b;
    EXPECT_TRUE(l.bandwidth_mbps.has_value()) << l.a << "-" << l.b;
  }
  EXPECT_EQ(st.ingests.size(), 3u);
  EXPECT_EQ(std::count_if(st.ingests.begin(), st.ingests.end(), [](const auto& i) { return i.join_at_s > 0; }), 1);
  EXPECT_EQ(st.mids.size(), 2u);
  ASSERT_EQ(st.edges.size(), 4u);
  for (const auto& mid : st.mids) {
    EXPECT_EQ(std::count_if(st.edges.begin(), st.edges.end(), [&](const auto& e) { return e.parent == mid.id; }), 2);
  }
  ASSERT_EQ(st.publishers.size(), 3u);
  for (const auto& p : st.publishers) EXPECT_EQ(p.bitrate_mbps, 3);
  EXPECT_EQ(st.segment_s, 2);
  ASSERT_EQ(st.events.size(), 1u);
  EXPECT_EQ(st.events[0].stream, "news");
  EXPECT_EQ(s.duration_s, 120);
  for (const auto& v : st.viewers) {
    EXPECT_GE(v.count, 100) << v.id;
    EXPECT_LE(v.count, 300) << v.id;
  }
}

TEST(StreamingLoader, ModelConfigurationsFromTheSection) {
  const Scenario s = LoadScenarioText(kStreaming, "live.yaml");
  const StreamingSpec& st = s.streaming;
  EXPECT_EQ(StreamingBalancing(st), IngestBalancing::kLeastLoad);
  EXPECT_EQ(StreamingIngestConfig(st).window_segments, 5u);
  EXPECT_GE(StreamingIngestConfig(st).retained_segments, 5u);
  EXPECT_EQ(StreamingIngestConfig(st).target_duration, FromSeconds(4));
  EXPECT_EQ(StreamingFreshness(st).playlist_ttl, FromSeconds(2));
  EXPECT_EQ(StreamingAnnouncerConfig(st).ttl, FromSeconds(3));
  EXPECT_EQ(StreamingHealthCheckConfig(st).interval, FromMillis(200));
  EXPECT_EQ(StreamingHealthCheckConfig(st).timeout, FromMillis(150));
  EXPECT_LT(StreamingHealthCheckConfig(st).timeout, StreamingHealthCheckConfig(st).interval);
  EXPECT_EQ(StreamingPublisherConfig(st, st.publishers[1]).bitrate_bps, 5'000'000u);
  EXPECT_EQ(StreamingSegmentBytes(st, st.publishers[1]), 2'500'000u) << "5 Mbit/s x 4 s";
  EXPECT_EQ(StreamingPublisherNodeId("news"), "publisher-news");
  EXPECT_EQ(StreamingFreshness(st).stale_if_error, FromSeconds(10));  // issue 17 defaults
  EXPECT_TRUE(st.replicate_segments);
}

TEST(StreamingLoader, FailoverContinuitySettings) {
  const std::string text = Replace(kStreaming, "streaming:\n",
                                   "streaming:\n  stale_if_error_s: 2.5\n  replicate_segments: false\n");
  const Scenario s = LoadScenarioText(text, "live.yaml");
  EXPECT_EQ(StreamingFreshness(s.streaming).stale_if_error, FromSeconds(2.5));
  EXPECT_FALSE(s.streaming.replicate_segments);
  EXPECT_ISSUE("streaming:\n", "streaming:\n  stale_if_error_s: -1\n", "stale_if_error_s: ^-1",
               "streaming.stale_if_error_s", "expected seconds in [0, 3600], got -1");
  EXPECT_ISSUE("streaming:\n", "streaming:\n  replicate_segments: sometimes\n", "sometimes",
               "streaming.replicate_segments", "expected true or false, got 'sometimes'");
}

TEST(StreamingLoader, LowLatencySettings) {
  const Scenario plain = LoadScenarioText(kStreaming, "live.yaml");
  EXPECT_FALSE(StreamingLowLatency(plain.streaming));
  EXPECT_EQ(StreamingPublisherConfig(plain.streaming, plain.streaming.publishers[0]).segment_duration, FromSeconds(4));

  const Scenario ll = LoadScenarioText(Replace(kStreaming, "streaming:\n", "streaming:\n  parts_per_segment: 4\n"),
                                       "live.yaml");
  const StreamingSpec& st = ll.streaming;
  EXPECT_TRUE(StreamingLowLatency(st));
  EXPECT_DOUBLE_EQ(st.part_target_s, 1);        // segment_s 4 / 4 parts
  EXPECT_DOUBLE_EQ(st.can_skip_until_s, 24);    // 6 target durations
  const PartPackagerConfig c = StreamingPartPackagerConfig(st);
  EXPECT_EQ(c.parts_per_segment, 4u);
  EXPECT_EQ(c.part_target, FromSeconds(1));
  EXPECT_EQ(c.target_duration, FromSeconds(4));
  EXPECT_EQ(c.can_skip_until, FromSeconds(24));
  // The publishers send the parts: short segments of part_target_s.
  EXPECT_EQ(StreamingPublisherConfig(st, st.publishers[0]).segment_duration, FromSeconds(1));

  const Scenario off = LoadScenarioText(
      Replace(kStreaming, "streaming:\n",
              "streaming:\n  parts_per_segment: 8\n  part_target_s: 0.5\n  can_skip_until_s: 0\n"),
      "live.yaml");
  EXPECT_EQ(StreamingPartPackagerConfig(off.streaming).can_skip_until, Duration{0});
  // A spec built in code may leave part_target_s 0: the part target follows segment_s.
  StreamingSpec coded = plain.streaming;
  coded.parts_per_segment = 4;
  EXPECT_EQ(StreamingPartPackagerConfig(coded).part_target, FromSeconds(1));
  EXPECT_EQ(StreamingPublisherConfig(coded, coded.publishers[0]).segment_duration, FromSeconds(1));

  EXPECT_ISSUE("streaming:\n", "streaming:\n  part_target_s: 0.5\n", "part_target_s: ^0.5", "streaming.part_target_s",
               "LL-HLS settings need parts_per_segment");
  EXPECT_ISSUE("streaming:\n", "streaming:\n  parts_per_segment: 4\n  part_target_s: 0.5\n", "part_target_s: ^0.5",
               "streaming.part_target_s", "parts_per_segment x part_target_s must equal segment_s (4 x 0.5 != 4)");
  EXPECT_ISSUE("streaming:\n", "streaming:\n  parts_per_segment: 4\n  can_skip_until_s: 10\n", "can_skip_until_s: ^10",
               "streaming.can_skip_until_s", "delta updates need at least 6 target durations (6 x segment_s = 24)");
  EXPECT_ISSUE("streaming:\n", "streaming:\n  parts_per_segment: 101\n", "101", "streaming.parts_per_segment",
               "expected an integer in [0, 100], got '101'");
}

// --- bad input: one kind per expectation, each at its exact position ---

TEST(StreamingLoader, UnknownKeys) {
  EXPECT_ISSUE("  eviction: slru\n", "  eviction: slru\n  colour: red\n", "colour", "streaming.colour",
               "unknown key 'colour'; expected one of: ");
  EXPECT_ISSUE("{id: mid-1, at: r1,", "{id: mid-1, parent: edge-1, at: r1,", "parent", "streaming.mids[0].parent",
               "unknown key 'parent'; expected one of: access_delay_ms, at, capacity_mb, id");
  EXPECT_ISSUE("{stream: news, at: r2,", "{stream: news, viewers: 3, at: r2,", "viewers",
               "streaming.publishers[0].viewers", "unknown key 'viewers'");
  EXPECT_ISSUE("{at_s: 60, type", "{at_s: 60, duration_s: 5, type", "{at_s: 60, ^duration_s", "streaming.events[0].duration_s",
               "unknown key 'duration_s'; expected one of: at_s, ingest, mode, stream, type");
  EXPECT_ISSUE("name: live\n", "name: live\nstreming: {}\n", "streming", "streming", "unknown key 'streming'");
}

TEST(StreamingLoader, WrongTypesAndRanges) {
  EXPECT_ISSUE("segment_s: 4", "segment_s: four", "four", "streaming.segment_s",
               "expected a segment duration in [0.1, 60] seconds, got 'four'");
  EXPECT_ISSUE("segment_s: 4", "segment_s: 0", "segment_s: ^0", "streaming.segment_s",
               "expected a segment duration in [0.1, 60] seconds, got 0");
  EXPECT_ISSUE("window_segments: 5", "window_segments: 2.5", "2.5", "streaming.window_segments",
               "expected an integer in [1, 1000], got '2.5'");
  EXPECT_ISSUE("playlist_ttl_s: 2", "playlist_ttl_s: 5", "5\n  eviction", "streaming.playlist_ttl_s",
               "a cached playlist must expire within one segment (segment_s 4), got 5");
  EXPECT_ISSUE("streaming:\n", "streaming:\n  announce_ttl_s: 1\n", "1\n  balancing", "streaming.announce_ttl_s",
               "announcements must live longer than the interval between them (announce_ttl_s 1 > "
               "announce_interval_s 1)");
  EXPECT_ISSUE("streaming:\n", "streaming:\n  health_unhealthy_after: 0\n", "health_unhealthy_after: ^0",
               "streaming.health_unhealthy_after",
               "expected an integer in [1, 100], got '0'");
  EXPECT_ISSUE("in-b, at: r2, access_delay_ms: 1}", "in-b, at: r2, access_delay_ms: -1}", "-1}",
               "streaming.ingests[1].access_delay_ms", "expected milliseconds in [0, 1e12], got -1");
  EXPECT_ISSUE("capacity_mb: 100", "capacity_mb: lots", "lots", "streaming.mids[0].capacity_mb",
               "expected an integer in [1, 1048576], got 'lots'");
  EXPECT_ISSUE("count: 200", "count: 0", "0, join_s: 10", "streaming.viewers[0].count",
               "expected an integer in [1, 100000], got '0'");
  EXPECT_ISSUE("bandwidth_mbps: 50", "bandwidth_mbps: 0", "bandwidth_mbps: ^0}", "streaming.viewers[1].bandwidth_mbps",
               "expected Mbit/s in [0.001, 1e9], got 0");
  EXPECT_ISSUE("bitrate_mbps: 5", "bitrate_mbps: [5]", "[5]", "streaming.publishers[1].bitrate_mbps",
               "expected a bitrate in [0.01, 1000] Mbit/s, got a list");
  EXPECT_ISSUE("  mids:\n    - {id: mid-1, at: r1, capacity_mb: 100}\n", "  mids: {id: mid-1}\n", "{id: mid-1}",
               "streaming.mids", "expected a list, got a mapping");
  EXPECT_ISSUE("{stream: news, at: r2,", "{stream: news/hd, at: r2,", "news/hd", "streaming.publishers[0].stream",
               "expected a stream name of letters, digits, '-', '_' and '.' (at most 64), got 'news/hd'");
  const std::string text = std::string(kStreaming).substr(0, std::string(kStreaming).find("streaming:")) +
                           "streaming: [r1]\n";
  EXPECT_MENTIONS(ErrorOf(text), "bad.yaml:" + PositionOf(text, "[r1]") +
                                     ": field 'streaming': expected a mapping of keys to values, got a list");
}

TEST(StreamingLoader, MissingRequiredKeys) {
  EXPECT_ISSUE("  load_balancer_at: r1\n", "", "balancing", "streaming.load_balancer_at",
               "missing required key 'load_balancer_at' (a string)");
  EXPECT_ISSUE("{id: in-b, at: r2, ", "{id: in-b, ", "{id: in-b", "streaming.ingests[1].at",
               "missing required key 'at' (a string)");
  EXPECT_ISSUE("{id: v2, edge: edge-2, ", "{id: v2, ", "{id: v2", "streaming.viewers[1].edge",
               "missing required key 'edge' (a string)");
  EXPECT_ISSUE("count: 50, ", "", "{id: v2", "streaming.viewers[1].count", "missing required key 'count'");
  EXPECT_ISSUE("{at_s: 60, type: ingest_fail, stream: news}", "{type: ingest_fail, stream: news}", "{type: ingest_fail",
               "streaming.events[0].at_s", "missing required key 'at_s' (seconds in [0, 1e9])");
  std::string no_publishers = kStreaming;
  no_publishers.erase(no_publishers.find("  publishers:"), no_publishers.find("  viewers:") - no_publishers.find("  publishers:"));
  EXPECT_MENTIONS(ErrorOf(no_publishers), "field 'streaming.publishers': missing required key 'publishers' (a list)");
  EXPECT_ISSUE("  ingests:\n    - {id: in-a, at: r1}\n    - {id: in-b, at: r2, access_delay_ms: 1}\n"
               "    - {id: in-c, at: r1, join_at_s: 30}\n",
               "  ingests: []\n", "[]", "streaming.ingests", "expected at least one entry");
}

TEST(StreamingLoader, UnknownChoices) {
  EXPECT_ISSUE("balancing: least_load", "balancing: round_robin", "round_robin", "streaming.balancing",
               "unknown balancing 'round_robin'; expected one of: consistent_hash, least_load");
  EXPECT_ISSUE("eviction: slru", "eviction: fifo", "fifo", "streaming.eviction",
               "unknown eviction policy 'fifo'; expected one of: lru, slru");
  EXPECT_ISSUE("type: ingest_fail, stream: news", "type: ingest_restart, stream: news", "ingest_restart",
               "streaming.events[0].type", "unknown event type 'ingest_restart'; expected one of: ingest_fail");
}

TEST(StreamingLoader, TimesWithinTheRun) {
  EXPECT_ISSUE("join_at_s: 30", "join_at_s: 130", "130", "streaming.ingests[2].join_at_s",
               "expected a time within the run (<= duration_s 100), got 130");
  EXPECT_ISSUE("start_s: 2, stop_s: 90", "start_s: 2, stop_s: 101", "101", "streaming.publishers[1].stop_s",
               "expected a time within the run (<= duration_s 100), got 101");
  EXPECT_ISSUE("start_s: 2, stop_s: 90", "start_s: 20, stop_s: 15", "15,", "streaming.publishers[1].stop_s",
               "the stream must stop after it starts (start_s 20), got 15");
  EXPECT_ISSUE("join_s: 10, spread_s: 10", "join_s: 95, spread_s: 10", "10}", "streaming.viewers[0].spread_s",
               "the last viewer would join at 105 s, after the run ends (duration_s 100)");
  EXPECT_ISSUE("{at_s: 60, type", "{at_s: 100.5, type", "100.5", "streaming.events[0].at_s",
               "expected a time within the run (<= duration_s 100), got 100.5");
}

TEST(StreamingLoader, DanglingReferences) {
  EXPECT_ISSUE("load_balancer_at: r1", "load_balancer_at: r9", "r9", "streaming.load_balancer_at",
               "no network node with id 'r9'; expected a router or another node of the topology");
  EXPECT_ISSUE("{id: in-b, at: r2", "{id: in-b, at: mid-1", "mid-1, access", "streaming.ingests[1].at",
               "no network node with id 'mid-1'");
  EXPECT_ISSUE("{stream: sports, at: r3", "{stream: sports, at: x", "x, start", "streaming.publishers[1].at",
               "no network node with id 'x'");
  EXPECT_ISSUE("stream: sports, at: r3, count", "stream: sports, at: r7, count", "r7", "streaming.viewers[1].at",
               "no network node with id 'r7'");
  EXPECT_ISSUE("parent: mid-1, access_delay_ms: 2", "parent: mid-9, access_delay_ms: 2", "mid-9",
               "streaming.edges[1].parent",
               "no mid-tier cache with id 'mid-9' (mid-tier caches are listed under streaming.mids)");
  EXPECT_ISSUE("parent: mid-1, access_delay_ms: 2", "parent: edge-1, access_delay_ms: 2", "edge-1, access",
               "streaming.edges[1].parent",
               "'edge-1' is an edge cache; an edge's parent must be a mid-tier cache (streaming.mids), or leave parent "
               "out to pull from the ingests");
  EXPECT_ISSUE("{id: edge-1, at: r2, parent: mid-1}", "{id: edge-1, at: r2, parent: in-a}", "in-a}",
               "streaming.edges[0].parent", "'in-a' is an ingest server; an edge's parent must be a mid-tier cache");
  EXPECT_ISSUE("{id: edge-1, at: r2, parent: mid-1}", "{id: edge-1, at: r2, parent: edge-1}", "edge-1}",
               "streaming.edges[0].parent", "an edge cannot be its own parent");
  EXPECT_ISSUE("edge: edge-1, stream", "edge: edge-9, stream", "edge-9", "streaming.viewers[0].edge",
               "no edge cache with id 'edge-9' (edges are listed under streaming.edges)");
  EXPECT_ISSUE("edge: edge-1, stream", "edge: mid-1, stream", "mid-1, stream", "streaming.viewers[0].edge",
               "'mid-1' is a mid-tier cache; viewers watch at an edge cache (streaming.edges)");
  EXPECT_ISSUE("stream: news, at: r2, count", "stream: weather, at: r2, count", "weather", "streaming.viewers[0].stream",
               "no publisher publishes stream 'weather' (streams are named by streaming.publishers[].stream)");
  EXPECT_ISSUE("ingest_fail, ingest: in-b", "ingest_fail, ingest: in-z", "in-z", "streaming.events[1].ingest",
               "no ingest server with id 'in-z' (ingests are listed under streaming.ingests)");
  EXPECT_ISSUE("ingest_fail, ingest: in-b", "ingest_fail, ingest: edge-3", "edge-3}", "streaming.events[1].ingest",
               "'edge-3' is an edge cache; an ingest_fail names an ingest server");
  EXPECT_ISSUE("ingest_fail, stream: news", "ingest_fail, stream: weather", "weather", "streaming.events[0].stream",
               "no publisher publishes stream 'weather'");
}

TEST(StreamingLoader, IdsAreUniqueAcrossTheScenario) {
  EXPECT_ISSUE("{id: mid-1,", "{id: in-b,", "{id: ^in-b, at: r1, cap", "streaming.mids[0].id",
               "id 'in-b' is already used by streaming.ingests[1].id");
  EXPECT_ISSUE("{id: v2,", "{id: edge-2,", "{id: ^edge-2, edge", "streaming.viewers[1].id",
               "id 'edge-2' is already used by streaming.edges[1].id");
  EXPECT_ISSUE("{id: in-a,", "{id: r2,", "{id: ^r2, at: r1}", "streaming.ingests[0].id",
               "id 'r2' is already used by routers[1].id");
  EXPECT_ISSUE("{id: edge-3,", "{id: streaming-lb,", "streaming-lb", "streaming.edges[2].id",
               "id 'streaming-lb' is already used by the load balancer host of the ingest pool's virtual address "
               "(streaming.load_balancer_at)");
  EXPECT_ISSUE("{id: v1,", "{id: publisher-sports,", "publisher-sports", "streaming.viewers[0].id",
               "id 'publisher-sports' is already used by the publisher host of stream 'sports' "
               "(streaming.publishers[1].stream)");
  EXPECT_ISSUE("{stream: sports,", "{stream: news,", "{stream: ^news, at: r3", "streaming.publishers[1].stream",
               "stream 'news' is already published by streaming.publishers[0]; a stream has one publisher");
}

TEST(StreamingLoader, EventsMustBeAbleToHappen) {
  EXPECT_ISSUE("{at_s: 50, type: ingest_fail, ingest: in-b}", "{at_s: 20, type: ingest_fail, ingest: in-c}",
               "{at_s: ^20, type",
               "streaming.events[1].at_s",
               "ingest 'in-c' joins the pool at 30 s (streaming.ingests[2].join_at_s); it cannot fail before that, "
               "at 20 s");
  EXPECT_ISSUE("{at_s: 60, type: ingest_fail, stream: news}", "{at_s: 60, type: ingest_fail, ingest: in-b}",
               "50, type: ingest_fail, ingest: ^in-b", "streaming.events[1].ingest",
               "ingest 'in-b' already fails in streaming.events[0]; a failed ingest stays down");
  EXPECT_ISSUE("{at_s: 60, type: ingest_fail, stream: news}", "{at_s: 95, type: ingest_fail, stream: sports}", "95",
               "streaming.events[0].at_s",
               "stream 'sports' is published from 2 s to 90 s (streaming.publishers[1]); no ingest holds it at 95 s");
  EXPECT_ISSUE("type: ingest_fail, stream: news}", "type: ingest_fail, stream: news, ingest: in-a}", "news, ingest",
               "streaming.events[0].stream",
               "an ingest_fail names either ingest (that server fails) or stream (whichever ingest holds it then "
               "fails), not both");
  EXPECT_ISSUE("{at_s: 60, type: ingest_fail, stream: news}", "{at_s: 60, type: ingest_fail}", "{at_s: 60",
               "streaming.events[0]", "an ingest_fail must name ingest (that server fails) or stream");
  EXPECT_ISSUE("stream: sports, at: r3, count: 50, join_s: 20", "stream: sports, at: r3, count: 50, join_s: 95",
               "95", "streaming.viewers[1].join_s",
               "stream 'sports' stops at 90 s (streaming.publishers[1].stop_s), before these viewers join at 95 s");
}

TEST(StreamingLoader, AnIngestFromTheStart) {
  std::string text = Replace(kStreaming, "{id: in-a, at: r1}", "{id: in-a, at: r1, join_at_s: 5}");
  text = Replace(text, "{id: in-b, at: r2, access_delay_ms: 1}", "{id: in-b, at: r2, access_delay_ms: 1, join_at_s: 5}");
  text = Replace(text, "{at_s: 50, type: ingest_fail, ingest: in-b}", "{at_s: 50, type: ingest_fail, ingest: in-a}");
  EXPECT_MENTIONS(ErrorOf(text), "bad.yaml:" + PositionOf(text, "^- {id: in-a") +
                                     ": field 'streaming.ingests': no ingest is in the pool from the start");
}

TEST(StreamingLoader, EveryNodeReachesTheLoadBalancer) {
  const std::string text = Replace(Replace(kStreaming, "  - {a: r2, b: r3, delay_ms: 35}\n", ""), "routers:\n",
                                   "routers:\n");
  const std::string m = ErrorOf(text);
  EXPECT_MENTIONS(m, "bad.yaml:" + PositionOf(text, "{id: edge-2, at: ^r3") +
                         ": field 'streaming.edges[1].at': 'r3' has no path to 'r1', where the load balancer is "
                         "(streaming.load_balancer_at); add a link");
  EXPECT_MENTIONS(m, "field 'streaming.publishers[1].at': 'r3' has no path to 'r1'");
}

}  // namespace
}  // namespace cdnlab
