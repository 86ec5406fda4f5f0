#pragma once
#include "models/routing/authoritative_answerer.h"
#include "models/routing/catalog.h"
#include "models/routing/mapping_diff.h"

namespace cdnlab {

// Receives mapping changes and makes the resolving configuration follow them:
// a simulated authoritative DNS node, cdnlab's own DNS server, or RFC 2136 updates.
// Diffs arrive in version order; an implementation may apply them asynchronously.
class ResolverConfigSink {
 public:
  virtual ~ResolverConfigSink() = default;
  virtual void Apply(const MappingDiff& diff) = 0;
  // A reload changed the PoPs, the client groups or the answer settings (TTL). The very next
  // diff re-sends every row with `catalog`'s PoP indexes, so a sink that keeps a replica stays
  // consistent. Sinks that hold neither catalog nor answer settings ignore it.
  virtual void Reconfigure(const RoutingCatalog& /*catalog*/, const AuthoritativeConfig& /*dns*/) {}
};

}  // namespace cdnlab
