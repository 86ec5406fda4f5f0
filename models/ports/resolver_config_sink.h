#pragma once
#include "models/routing/mapping_diff.h"

namespace cdnlab {

// Receives mapping changes and makes the resolving configuration follow them:
// a simulated authoritative DNS node, cdnlab's own DNS server, or RFC 2136 updates.
// Diffs arrive in version order; an implementation may apply them asynchronously.
class ResolverConfigSink {
 public:
  virtual ~ResolverConfigSink() = default;
  virtual void Apply(const MappingDiff& diff) = 0;
};

}  // namespace cdnlab
