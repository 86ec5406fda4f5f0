#pragma once
// How long an LL-HLS playlist request with delivery directives may take before it counts as
// failed, per tier: the origin may hold a blocking reload for BlockingReloadBound (3 target
// durations), so these are longer than StreamingTimeouts' ordinary fetches, and tiered like
// them (a cache gives up on its upstream before the one below gives up on it).
#include "models/streaming/delivery_directives.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

struct LowLatencyTimeouts {
  Duration mid_reload;     // mid-tier (or an edge without a parent) -> ingest
  Duration edge_reload;    // edge -> mid-tier
  Duration viewer_reload;  // viewer -> edge
};

inline LowLatencyTimeouts LowLatencyTimeoutsFor(const StreamingSpec& spec) {
  const Duration segment = FromSeconds(spec.segment_s);
  const Duration bound = BlockingReloadBound(segment);
  return LowLatencyTimeouts{bound + segment / 2, bound + segment, bound + segment + segment / 2};
}

// How long a cache reuses the answer to a blocking reload (realnet: stream-cache --blocking-keep-ms).
constexpr Duration kBlockingReloadKeep = std::chrono::seconds(3);

}  // namespace cdnlab
