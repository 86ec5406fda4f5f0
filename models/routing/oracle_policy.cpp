#include "models/routing/oracle_policy.h"

#include <algorithm>

namespace cdnlab {

OraclePolicy::OraclePolicy(const GroundTruth& truth) : truth_(truth) {}

std::vector<PopIndex> OraclePolicy::Rank(std::size_t, const MappingTarget& target, SimTime,
                                         const std::vector<PopIndex>&) {
  std::vector<PopIndex> ranked;
  std::vector<double> rtt(truth_.Pops(), 0);
  for (PopIndex p = 0; p < truth_.Pops(); ++p) {
    if (!truth_.PopAvailable(p)) continue;
    for (const auto& [g, w] : target.groups) rtt[p] += w * truth_.RttMs(g, p);
    ranked.push_back(p);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [&](PopIndex a, PopIndex b) { return rtt[a] < rtt[b]; });
  return ranked;
}

}  // namespace cdnlab
