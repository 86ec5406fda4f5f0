#pragma once
// Large request-routing scenarios made from a few numbers, for scale runs and benchmarks:
// nobody writes 100,000 client groups by hand.
#include <cstdint>
#include <string>
#include <vector>

namespace cdnlab {

struct SyntheticScenarioSpec {
  std::string name = "synthetic";
  std::uint64_t seed = 1;      // the topology's and the run's seed
  std::size_t groups = 1000;   // client groups, one /24 each (10.0.0.0/24 upwards)
  std::size_t pops = 20;       // one server each, each behind its own backbone router
  std::size_t routers = 0;     // backbone routers; 0 = max(8, pops / 2)
  std::size_t resolvers = 0;   // ISP resolvers (ECS); 0 = max(4, groups / 2000)
  double duration_s = 600;
  double warmup_s = 30;
  // Downloads over the whole run, spread evenly over groups and the measured window.
  std::uint64_t requests = 1000000;
  double sample_interval_s = 10;
  double recompute_interval_s = 10;
  double dns_ttl_s = 30;
  std::vector<std::string> policies{"rum", "geo"};
  std::string fidelity = "flow";  // packet | flow
};

// The scenario as YAML text for `cdnlab run` (the same loader and checks as any file).
// Same spec = same text. Throws std::invalid_argument for an impossible spec.
std::string SyntheticScenarioYaml(const SyntheticScenarioSpec& spec);

}  // namespace cdnlab
