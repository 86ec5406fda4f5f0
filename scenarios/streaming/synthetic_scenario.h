#pragma once
// Large live-streaming scenarios made from a few numbers, for scale runs and benchmarks. The
// default spec is scenarios/streaming_flash_crowd.yaml (10 regions, each with an ingest, a
// mid-tier cache and a publisher; 100 edges; 100,000 viewers joining in a burst; 10 minutes;
// flow fidelity), which `cdnlab generate streaming` reproduces byte for byte.
#include <cstdint>
#include <string>

namespace cdnlab {

struct SyntheticStreamingSpec {
  std::string name = "streaming-flash-crowd";
  std::uint64_t seed = 1;
  std::size_t regions = 10;     // one router, ingest, mid-tier cache and publisher each
  std::size_t edges = 100;      // spread evenly over the regions, filling from their region's mid
  std::size_t streams = 10;     // stream-0 ..; published from region i mod regions
  std::size_t viewers = 100000; // split evenly over the edges, one viewer group per edge
  double duration_s = 600;
  double segment_s = 6;
  double join_s = 20;           // the burst: every viewer joins within [join_s, join_s + spread_s]
  double spread_s = 20;
  std::string fidelity = "flow";  // packet | flow
};

// The scenario as YAML text for `cdnlab run` (the same loader and checks as any file).
// Same spec = same text. Throws std::invalid_argument naming the field of an impossible spec.
std::string SyntheticStreamingYaml(const SyntheticStreamingSpec& spec);

}  // namespace cdnlab
