#pragma once
// Where PoPs go when the user gives only a count: greedy k-median. Each step adds the candidate
// node that most lowers the population-weighted one-way delay from every group to its nearest
// PoP; ties go to the node earliest in the file. Deterministic for the same input.
#include <cstddef>
#include <vector>

namespace cdnlab {

// delay_ms[i][j]: node-to-node delay; candidates: node indices; groups: (node, population).
std::vector<std::size_t> ChoosePopNodes(const std::vector<std::vector<double>>& delay_ms,
                                        const std::vector<std::size_t>& candidates,
                                        const std::vector<std::pair<std::size_t, double>>& groups, std::size_t count);

}  // namespace cdnlab
