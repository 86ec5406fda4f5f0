#include "models/routing/random_policy.h"

#include <utility>

namespace cdnlab {

RandomPolicy::RandomPolicy(const RoutingCatalog& catalog, RandomSource& random)
    : catalog_(catalog), random_(random) {}

std::vector<PopIndex> RandomPolicy::Rank(std::size_t target_index, const MappingTarget&, SimTime,
                                         const std::vector<PopIndex>&) {
  auto it = drawn_.find(target_index);
  if (it != drawn_.end()) return it->second;
  std::vector<PopIndex> order(catalog_.pops.size());
  for (PopIndex p = 0; p < order.size(); ++p) order[p] = p;
  // Fisher-Yates with the run's random source, so a seed fixes the assignment.
  for (std::size_t i = order.size(); i > 1; --i) {
    std::swap(order[i - 1], order[random_.UniformIndex(i)]);
  }
  return drawn_.emplace(target_index, std::move(order)).first->second;
}

}  // namespace cdnlab
