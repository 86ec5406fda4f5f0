#pragma once
// A scenario as loaded from YAML: plain data, validated by the loader (every reference
// resolves, every number in range). Units are in the field names.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/geo/point.h"
#include "models/net/endpoint.h"
#include "models/net/ipv4.h"
#include "models/net/ipv6.h"

namespace cdnlab {

struct RouterSpec {
  std::string id;
  GeoPoint location;
};

struct PopSpec {
  std::string id;
  GeoPoint location;
  int servers = 1;
  double capacity_rps = 0;
};

struct ClientGroupSpec {
  std::string id;
  Ipv4Prefix prefix;
  std::optional<Ipv6Prefix> prefix6;  // YAML `prefix6`: the group is dual-stack
  double ipv6_share = 1.0;  // YAML `ipv6_share` in [0, 1], only with prefix6: its requests made over IPv6
  GeoPoint location;
  double population = 0;
  std::string resolver;  // id of a ResolverSpec
  // Requests per second its users send the CDN; absent = population / 1e6 x
  // workload.demand_rps_per_million_users (see GroupDemandRps).
  std::optional<double> demand_rps;
};

struct ResolverSpec {
  std::string id;
  GeoPoint location;
  bool client_subnet = true;  // sends EDNS Client Subnet
  bool is_public = false;     // YAML `public`: an open resolver, often far from its users
};

struct DnsSpec {
  std::string id = "dns";        // the authoritative DNS node's id (a topology node)
  GeoPoint location;
  std::string zone = "example.net";
  std::string hostname = "cdn.example.net";
  double ttl_s = 20;
};

// A link between two nodes (any of routers, pops, client groups, resolvers, dns).
// Omitted delay is derived from great-circle distance (see LinkDefaults).
struct LinkSpec {
  std::string a;
  std::string b;
  std::optional<double> delay_ms;
  std::optional<double> bandwidth_mbps;
  std::optional<double> loss;
  int line = 0;  // where it was written, for messages
};

struct LinkDefaults {
  double bandwidth_mbps = 1000;
  double loss = 0;
  double km_per_ms = 200;        // light in fibre, about 2/3 c
  double route_stretch = 1.3;    // fibre paths are longer than great circles
  double min_delay_ms = 0.5;     // floor for co-located nodes
};

enum class TimelineEventType { kLinkChange, kPopFail, kPopRecover };

struct TimelineEvent {
  double at_s = 0;
  TimelineEventType type = TimelineEventType::kLinkChange;
  // kLinkChange: the link and what changes (absent = unchanged)
  std::string link_a;
  std::string link_b;
  std::optional<double> delay_ms;
  std::optional<double> loss;
  std::optional<double> bandwidth_mbps;
  // kPopFail / kPopRecover
  std::string pop;
  std::string description;  // optional free text, echoed in results
};

struct ProbeSpec {
  double interval_s = 10;
  int packets_per_train = 5;
  double spacing_ms = 20;
  double timeout_ms = 1000;
  int packet_bytes = 64;
};

// What a policy is, resolved from its YAML `name` (`measured` is the old name of probe).
enum class PolicyKind { kProbe, kRum, kHybrid, kAnycast, kGeo, kRandom, kOracle };

// Which client a DNS answer is chosen for.
enum class MapBy {
  kClientSubnet,  // the EDNS Client Subnet when the resolver sends one, else the resolver
  kResolver,      // always the resolver: the authoritative ignores ECS
};

struct PolicySpec {
  // As written: probe | measured | rum | hybrid | anycast | anycast-blind | geo | geo-blind |
  // random | oracle.
  // Code should switch on `kind`; `name` stays as written so old scenarios read the same.
  std::string name;
  PolicyKind kind = PolicyKind::kProbe;
  std::string label;  // unique per scenario, default = name; what results are keyed by
  MapBy map_by = MapBy::kClientSubnet;
  // Client-subnet answers carry the widest true scope (adjacent rows with one PoP share it), so
  // resolvers cache fewer subnets; false = each row's own prefix (to compare the two).
  bool scope_aggregation = true;
  std::optional<double> dns_ttl_s;  // overrides dns.ttl_s for this policy's run
  double min_dwell_s = 0;           // 0 = off; a row's first PoP is kept at least this long unless unusable
  bool capacity_spill = false;      // respect PoP capacity_rps, spill overload to the next-best PoP
  // probe, rum, hybrid (rank with MeasuredPolicy over their measurement store)
  double ewma_alpha = 0.3;
  double max_age_s = 60;
  double loss_penalty_ms = 500;
  double hysteresis_ratio = 0.10;
  double hysteresis_ms = 5;
  // probe, hybrid: 0 = every PoP probes every group each round; k > 0 = adaptive, k PoPs per
  // group per round (k-1 best + 1 exploring). The loader sets hybrid's default, 2.
  int probe_candidates = 0;
  // rum, hybrid: page views carrying the measurement tag, and what each tests
  double page_views_per_group_per_min = 2;
  int rum_candidates = 3;
  std::uint64_t test_object_bytes = 10000;
  // geo, anycast as operators run them (issue 18). failure_blind: the `geo-blind` and
  // `anycast-blind` names, the old baselines that never learn of a failed PoP (geo) or learn
  // of it only through DNS as caches expire (anycast).
  bool failure_blind = false;
  // geo: a health checker polls every PoP this often and geo skips those it found down.
  double health_check_interval_s = 5;
  // anycast: a failed PoP's route is withdrawn (and a recovered one re-announced) this long
  // after the change; 30 s = one eBGP MinRouteAdvertisementInterval (RFC 4271 10).
  double bgp_convergence_s = 30;

  bool UsesProbes() const { return kind == PolicyKind::kProbe || kind == PolicyKind::kHybrid; }
  bool UsesRum() const { return kind == PolicyKind::kRum || kind == PolicyKind::kHybrid; }
  bool IsMeasured() const { return kind == PolicyKind::kProbe || UsesRum(); }
  // What results are keyed by: the label (the loader always sets it), else the name for
  // specs built in code.
  const std::string& ResultLabel() const { return label.empty() ? name : label; }
};

struct MappingSpec {
  double recompute_interval_s = 5;
  int ranked_pops = 3;
};

struct WorkloadSpec {
  std::uint64_t object_bytes = 100000;
  double downloads_per_group_per_min = 6;
  // A group without its own demand_rps asks population / 1e6 x this (0 = no demand).
  double demand_rps_per_million_users = 0;
};

struct EvaluationSpec {
  // Regret and downloads are measured from warmup_s on: before that no policy has had a
  // chance to publish a mapping (measured needs a probe round), which is not routing quality.
  double warmup_s = 20;
  double sample_interval_s = 1;
  double unavailable_penalty_ms = 1000;
};

// Where the real runtime runs each part of the scenario (all optional; only `cdnlab realnet`
// reads it). Addresses must be on this machine: loopback or test namespaces.
struct RealnetSpec {
  bool present = false;
  Endpoint controller;                                     // probe reports go here
  Endpoint dns;                                            // cdnlab's authoritative server
  std::vector<std::pair<std::string, std::vector<Ipv4Address>>> servers;  // per PoP id
  std::vector<std::pair<std::string, std::vector<Ipv6Address>>> servers6;  // the same list's IPv6 addresses
  std::vector<std::pair<std::string, Ipv4Address>> groups;                // responder address per group id
  std::uint16_t responder_port = 7007;
  std::uint16_t agent_port = 7000;
  // Federation: where each federation node (gateway "<platform>-gw", or a server id) listens
  // for signed datagrams, and where each platform's gateway serves the RFC 8007 HTTP API.
  std::vector<std::pair<std::string, Endpoint>> federation_nodes;
  std::vector<std::pair<std::string, Endpoint>> federation_http;  // by platform id
};


// --- Federation (issue 4): several CDNs, their servers, and a timeline of commands ---
// Federation nodes (gateways, servers) are hosts attached to a topology node (`at`, usually
// a router) by an access link; the network between them is the scenario's links.
struct FederationParticipantSpec {
  std::string id;              // a platform id or a content provider id
  std::string secret;          // derives its Ed25519 key pair (>= 16 characters)
};

struct FederationServerSpec {
  std::string id;
  std::string tier = "edge";   // edge | parent
  std::string parent;          // a parent-tier server of the same platform ("" = none)
  std::string at;              // topology node it hangs off
  double access_delay_ms = 0.5;
};

struct FederationPlatformSpec {
  std::string id;
  std::string gateway_at;      // topology node of its command invocation system
  double gateway_access_delay_ms = 0.5;
  std::vector<std::string> supports{"preposition", "invalidate", "purge"};
  bool supports_ccid = true;
  std::vector<FederationServerSpec> servers;
};

struct FederationProviderSpec {
  std::string id;
  std::string platform;        // the platform it contracts with
};

struct FederationDeploymentSpec {
  std::string platform;
  std::string delegated_by;    // "" for the provider's own platform
  std::vector<std::string> servers;
};

struct FederationObjectSpec {
  std::string url;
  std::string ccid;
  bool cached = true;          // false: only at the origin (a preposition target)
};

struct FederationConfigurationSpec {
  std::string id;
  std::string provider;
  std::vector<std::string> hosts;
  std::string metadata_url;
  std::vector<FederationDeploymentSpec> deployments;
  std::vector<FederationObjectSpec> objects;  // cached on every server carrying it at start
};

struct FederationPatternSpec {
  std::string pattern;
  bool case_sensitive = false;
  bool match_query_string = false;
};

// A command issued at `platform` by `by` (a content provider, or for negative tests any
// participant), or a cancel of an earlier command (`cancel` = its id).
struct FederationCommandSpec {
  std::string id;              // names it in results
  double at_s = 0;
  std::string by;
  std::string platform;
  std::string type;            // preposition | invalidate | purge ("" for a cancel)
  std::string cancel;          // id of the command to cancel
  std::vector<std::string> content_urls;
  std::vector<FederationPatternSpec> content_patterns;
  std::vector<std::string> content_ccids;
  std::vector<std::string> metadata_urls;
  std::vector<FederationPatternSpec> metadata_patterns;
  std::vector<std::string> cdn_path;  // extra leading entries (to provoke loops)
};

enum class FederationFaultType { kServerDown, kGatewayUnreachable, kMessageLoss };

struct FederationFaultSpec {
  double at_s = 0;
  FederationFaultType type = FederationFaultType::kServerDown;
  double duration_s = 0;       // server_down / gateway_unreachable
  std::string server;          // server_down
  std::string platform;        // gateway_unreachable; message_loss: messages to its gateway
  std::string to_server;       // message_loss: messages to this server instead
  int count = 1;               // message_loss: how many next messages are lost
};

struct FederationRetrySpec {
  double initial_ms = 250;
  double multiplier = 2;
  double max_ms = 4000;
  int max_attempts = 12;
  double jitter = 0.1;
  double poll_interval_s = 2;
  double give_up_after_s = 120;
};

struct FederationSpec {
  bool present = false;
  std::vector<FederationParticipantSpec> participants;
  std::vector<FederationPlatformSpec> platforms;
  std::vector<FederationProviderSpec> providers;
  std::vector<FederationConfigurationSpec> configurations;
  std::vector<FederationCommandSpec> commands;   // sorted by at_s (stable)
  std::vector<FederationFaultSpec> faults;       // sorted by at_s (stable)
  FederationRetrySpec retry;
};

// --- Live streaming (issue 5): publishers -> ingest pool (one virtual address) -> mid-tier
// -> edges -> viewers. Every node hangs off a topology node (`at`) by an access link.
struct StreamingIngestSpec {
  std::string id;
  std::string at;
  double access_delay_ms = 0.5;
  double join_at_s = 0;        // > 0: added to the pool at that time (scale-out)
};

struct StreamingCacheSpec {
  std::string id;
  std::string at;
  std::string parent;          // edges: their mid-tier cache ("" = pull from ingests)
  double access_delay_ms = 0.5;
  std::uint64_t capacity_mb = 512;
};

struct StreamingPublisherSpec {
  std::string stream;          // stream id
  std::string at;
  double start_s = 0;
  double stop_s = 0;           // 0 = until the end
  double bitrate_mbps = 3;
};

// A group of viewers of one stream behind one edge, joining over [join_s, join_s + spread_s].
struct StreamingViewerGroupSpec {
  std::string id;
  std::string edge;
  std::string stream;
  std::string at;              // topology node their access link hangs off
  int count = 1;
  double join_s = 0;
  double spread_s = 0;
  double access_delay_ms = 5;
  double bandwidth_mbps = 20;
};

enum class StreamingEventType { kIngestFail };

// How an ingest fails. kCrash is a process crash (what `compare-streaming` does with SIGKILL):
// its host stays up and refuses connections at once. kBlackhole cuts its access link: nothing
// is answered and open exchanges run into their timeouts.
enum class IngestFailMode { kCrash, kBlackhole };

struct StreamingEventSpec {
  double at_s = 0;
  StreamingEventType type = StreamingEventType::kIngestFail;
  std::string ingest;          // kIngestFail: the ingest that dies, or
  std::string stream;          // ... whichever ingest holds this stream at that time
  IngestFailMode mode = IngestFailMode::kCrash;  // YAML `mode: crash|blackhole`
};

struct StreamingSpec {
  bool present = false;
  std::string balancing = "consistent_hash";   // consistent_hash | least_load
  std::string load_balancer_at;                // topology node of the virtual address
  double segment_s = 2;
  int window_segments = 6;
  double playlist_ttl_s = 1;
  double segment_ttl_s = 300;
  std::string eviction = "lru";                // lru | slru
  double announce_interval_s = 1;
  double announce_ttl_s = 3;
  // The same defaults as `cdnlab realnet stream-balancer` (200 ms probes, 3 misses); a probe
  // times out after 0.75 of the interval (150 ms there).
  double health_interval_s = 0.2;
  int health_unhealthy_after = 3;
  // How far behind the live edge a player starts, in seconds, as hls.js's liveSyncDuration:
  // it starts with the segment holding that position. 0 = three segments behind the newest
  // (the model's older default).
  double player_live_sync_s = 0;
  std::vector<StreamingIngestSpec> ingests;
  std::vector<StreamingCacheSpec> mids;
  std::vector<StreamingCacheSpec> edges;
  std::vector<StreamingPublisherSpec> publishers;
  std::vector<StreamingViewerGroupSpec> viewers;
  std::vector<StreamingEventSpec> events;       // sorted by at_s
  // Failover continuity (issue 17): how long past its freshness a cache serves its last copy
  // when the upstream fails (0 = never), and whether every ingest copies the segments it
  // accepts to the other ingests (so the one taking a stream over continues it).
  double stale_if_error_s = 10;
  bool replicate_segments = true;
  // LL-HLS (issue 17 items 3 and 6): 0 = plain HLS. Otherwise each publisher sends short
  // segments of part_target_s, its ingest packages parts_per_segment of them as one segment_s
  // segment (with EXT-X-PART, preload hints and blocking reloads), the caches relay blocking
  // reloads, and the viewers play LL-HLS (parts, blocking reloads, PART-HOLD-BACK).
  int parts_per_segment = 0;
  double part_target_s = 0;      // 0: segment_s / parts_per_segment
  double can_skip_until_s = 0;   // delta updates (0 = off); 6 x segment_s unless given
};

// How the network carries traffic: ns-3 packets, or delays computed from the topology (fast,
// request routing only).
enum class Fidelity { kPacket, kFlow };

struct Scenario {
  std::string name;
  std::string source;  // file path, or "<built-in default>"
  std::uint64_t seed = 1;
  double duration_s = 300;
  Fidelity fidelity = Fidelity::kPacket;  // YAML `fidelity: packet|flow`
  std::vector<RouterSpec> routers;
  std::vector<PopSpec> pops;
  std::vector<ResolverSpec> resolvers;
  std::vector<ClientGroupSpec> client_groups;
  DnsSpec dns;
  std::vector<LinkSpec> links;
  LinkDefaults link_defaults;
  ProbeSpec probing;
  MappingSpec mapping;
  WorkloadSpec workload;
  EvaluationSpec evaluation;
  std::vector<PolicySpec> policies;
  std::vector<TimelineEvent> timeline;  // sorted by at_s (stable)
  RealnetSpec realnet;
  // Optional; when present, the routing sections (pops, client_groups, resolvers, dns,
  // policies) become optional: a scenario may model federation alone.
  FederationSpec federation;
  // Optional, like federation: a scenario may model live streaming alone.
  StreamingSpec streaming;
  bool HasRouting() const { return !pops.empty(); }
};

// The group's demand: its own demand_rps, else derived from its population.
inline double GroupDemandRps(const ClientGroupSpec& g, const WorkloadSpec& w) {
  return g.demand_rps ? *g.demand_rps : g.population / 1e6 * w.demand_rps_per_million_users;
}

}  // namespace cdnlab
