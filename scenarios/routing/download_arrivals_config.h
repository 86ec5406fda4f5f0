#pragma once
#include <cstdint>

#include "models/routing/group_arrivals.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

// The random stream (beside the scenario's seed) the download arrivals draw from, in every
// runtime that plays the workload, so the simulation and the testbed start the same downloads
// at the same times.
constexpr std::uint64_t kDownloadArrivalStream = 2;

// When the scenario's users download (its `workload` section): Poisson arrivals per group at
// downloads_per_group_per_min, from the end of the warm-up (downloads are measured like regret)
// until 5 s before the end (leaving them time to finish).
GroupArrivalsConfig DownloadArrivalsConfigFor(const Scenario& scenario);

}  // namespace cdnlab
