#pragma once
// What `cdnlab import topology-zoo` makes of a topology: where PoPs, client groups and
// resolvers go, how link delays are computed, and the run's settings. Defaults are the CLI's.
#include <cstdint>
#include <string>
#include <vector>

namespace cdnlab {

struct ImportOptions {
  std::string input;              // the GraphML file
  std::string name;               // scenario name; "" = "zoo-" + the network's slug
  std::uint64_t seed = 1;
  double duration_s = 120;
  std::string fidelity = "flow";  // packet | flow
  // PoPs: `pop_nodes` (entries NODE or NODE=ID) if given, else `pops` chosen deterministically
  // (greedy k-median over population-weighted path delay).
  int pops = 4;
  std::vector<std::string> pop_nodes;
  int servers_per_pop = 1;
  double pop_capacity_rps = 1000000;  // requests per second each PoP serves (the loader needs one)
  // Client groups: one per node that hosts clients (internal, not a hyperedge), or `group_nodes`.
  std::vector<std::string> group_nodes;
  std::string population = "uniform";  // uniform | degree (scaled by the node's link count)
  double population_per_group = 1000000;  // uniform: each group's; degree: the mean group's
  // Resolvers: "pop" = one per PoP, each group using the one of its nearest PoP (by delay);
  // "group" = one per group, beside it.
  std::string resolvers = "pop";
  double access_ms = 1.0;         // one-way delay of a group's or resolver's access link
  double pop_access_ms = 0.5;     // one-way delay of a PoP's (and the DNS node's) uplink
  // Backbone delay = great-circle km x fibre_factor / km_per_ms (200 km/ms = light in fibre, ~2/3 c).
  double km_per_ms = 200;
  double fibre_factor = 1.3;
  double min_delay_ms = 0.5;
  double default_bandwidth_mbps = 10000;
  std::string rtt_matrix;         // CSV; "" = none
  double rtt_tolerance_ms = 1.0;  // report measured/simulated RTT pairs differing by more
  // Also fit each measured group's access link: shifted by half its pairs' mean residual (what
  // the backbone links cannot explain is taken as that group's last mile).
  bool rtt_fit_access = false;
  std::vector<std::string> policies{"probe", "hybrid", "anycast", "geo", "oracle"};
  double dns_ttl_s = 20;
  double warmup_s = 20;
};

}  // namespace cdnlab
