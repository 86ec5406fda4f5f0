#pragma once
// Finding a topology node by what a user types: its Zoo label ("UK", "New York"), its GraphML
// id ("34"), or its id base ("new-york"); an exact label wins, then the id, the slug, and
// last a case-insensitive label.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/import/clean_topology.h"

namespace cdnlab {

std::optional<std::size_t> FindTopologyNode(const CleanTopology& t, const std::string& name);

// One-way shortest-path delay (ms) between every pair of nodes over the links' delays.
std::vector<std::vector<double>> AllPairsDelayMs(const CleanTopology& t, const std::vector<double>& link_delay_ms);

}  // namespace cdnlab
