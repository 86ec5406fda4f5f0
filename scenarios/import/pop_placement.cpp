#include "scenarios/import/pop_placement.h"

#include <algorithm>
#include <limits>

namespace cdnlab {

std::vector<std::size_t> ChoosePopNodes(const std::vector<std::vector<double>>& delay_ms,
                                        const std::vector<std::size_t>& candidates,
                                        const std::vector<std::pair<std::size_t, double>>& groups, std::size_t count) {
  std::vector<std::size_t> chosen;
  // Each group's delay to its nearest chosen PoP so far.
  std::vector<double> nearest(groups.size(), std::numeric_limits<double>::infinity());
  while (chosen.size() < count && chosen.size() < candidates.size()) {
    std::size_t best = candidates.size();
    double best_cost = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      const std::size_t node = candidates[c];
      if (std::find(chosen.begin(), chosen.end(), node) != chosen.end()) continue;
      double cost = 0;
      for (std::size_t g = 0; g < groups.size(); ++g) {
        cost += groups[g].second * std::min(nearest[g], delay_ms[groups[g].first][node]);
      }
      if (cost < best_cost) best_cost = cost, best = c;  // strict: the earliest wins ties
    }
    const std::size_t node = candidates[best];
    chosen.push_back(node);
    for (std::size_t g = 0; g < groups.size(); ++g) nearest[g] = std::min(nearest[g], delay_ms[groups[g].first][node]);
  }
  return chosen;
}

}  // namespace cdnlab
