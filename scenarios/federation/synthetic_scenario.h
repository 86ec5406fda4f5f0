#pragma once
// Large federation scenarios made from a few numbers, for scale runs and benchmarks: nobody
// writes 10,000 servers and their deployments by hand. The default spec is
// scenarios/federation_10k.yaml (3 CDNs, 10,002 servers, 100 configurations, 1,000 commands),
// which `cdnlab generate federation` reproduces byte for byte.
#include <cstdint>
#include <string>

namespace cdnlab {

struct SyntheticFederationSpec {
  std::string name = "federation-10k";
  std::uint64_t seed = 1;
  std::size_t cdns = 3;                  // platforms cdn-a, cdn-b, ...; cdn-a delegates to cdn-b, ...
  std::size_t servers = 10002;           // over all CDNs, parents included (split evenly)
  std::size_t parents_per_cdn = 16;      // one per metro: edges fill from the parent at their metro
  std::size_t configurations = 100;
  std::size_t providers = 10;            // provider i contracts with CDN i mod cdns
  std::size_t edges_per_configuration = 100;  // edges carrying a configuration, per CDN it is on
  std::size_t commands = 1000;           // purge, invalidate, purge-by-ccid, preposition in turn
  double first_command_s = 5;
  double command_spacing_s = 0.05;       // 1,000 commands over 50 s: many in flight at once
  double drain_s = 60;                   // simulated time after the last command
  std::string fidelity = "flow";         // packet | flow
};

// The scenario as YAML text for `cdnlab run` (the same loader and checks as any file).
// Same spec = same text. Throws std::invalid_argument naming the field of an impossible spec.
std::string SyntheticFederationYaml(const SyntheticFederationSpec& spec);

}  // namespace cdnlab
