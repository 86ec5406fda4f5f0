#pragma once
#include "models/routing/catalog.h"
#include "models/topology/graph.h"

namespace cdnlab {

// The knobs a timeline turns on a runtime's network, whatever carries its traffic (ns-3
// packets in SimNetwork, computed delays in FlowNetwork).
class NetworkControls {
 public:
  virtual ~NetworkControls() = default;
  virtual const RoutingCatalog& Catalog() const = 0;
  // New delay/bandwidth/loss for scenario link `id`; call RecomputeRoutes() after a batch.
  virtual void SetLinkParams(TopologyGraph::LinkId id, const LinkParams& params) = 0;
  // A failed PoP's servers drop everything sent to or from them.
  virtual void SetPopServersUp(PopIndex pop, bool up) = 0;
  virtual void RecomputeRoutes() = 0;
};

}  // namespace cdnlab
