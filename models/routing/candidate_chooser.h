#pragma once
// Decides which PoPs one client group measures next: for a RUM page view, the servers the
// embedded tool fetches the test object from; for adaptive probing, the PoPs that probe the
// group this round. Always the current best (by fresh RTT in the store), then the runner-up,
// then exploration: never-measured or stale PoPs first, otherwise a random other one, so a PoP
// that got better is eventually found. At most max_candidates per call.
#include <cstddef>
#include <vector>

#include "models/core/sim_time.h"
#include "models/ports/random_source.h"
#include "models/routing/measurement_store.h"
#include "models/routing/catalog.h"

namespace cdnlab {

struct CandidateChooserConfig {
  std::size_t max_candidates = 3;  // per page view / per probing round
  std::size_t exploit = 2;         // of which the best `exploit` by fresh RTT (fewer if fewer are fresh)
};

class CandidateChooser {
 public:
  CandidateChooser(const RoutingCatalog& catalog, const MeasurementStore& store, RandomSource& random,
                   CandidateChooserConfig config = {});
  // Distinct PoPs, best first, then the exploration picks; deterministic for a given random stream.
  std::vector<PopIndex> Choose(GroupIndex group, SimTime now);

 private:
  const RoutingCatalog& catalog_;
  const MeasurementStore& store_;
  RandomSource& random_;
  CandidateChooserConfig config_;
};

}  // namespace cdnlab
