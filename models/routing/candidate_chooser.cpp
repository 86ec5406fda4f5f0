#include "models/routing/candidate_chooser.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace cdnlab {
namespace {

// Fisher-Yates with the run's random stream, so the order is the same for the same seed.
void Shuffle(std::vector<PopIndex>& items, RandomSource& random) {
  for (std::size_t i = items.size(); i > 1; --i) {
    std::swap(items[i - 1], items[static_cast<std::size_t>(random.UniformIndex(i))]);
  }
}

}  // namespace

CandidateChooser::CandidateChooser(const RoutingCatalog& catalog, const MeasurementStore& store, RandomSource& random,
                                   CandidateChooserConfig config)
    : catalog_(catalog), store_(store), random_(random), config_(config) {
  if (config_.max_candidates == 0) throw std::invalid_argument("CandidateChooser: max_candidates must be at least 1");
  if (config_.exploit > config_.max_candidates) {
    throw std::invalid_argument("CandidateChooser: exploit must not exceed max_candidates");
  }
  if (store_.Groups() != catalog_.groups.size() || store_.Pops() != catalog_.pops.size()) {
    throw std::invalid_argument("CandidateChooser: the store's shape does not match the catalog");
  }
}

std::vector<PopIndex> CandidateChooser::Choose(GroupIndex group, SimTime now) {
  if (group >= catalog_.groups.size()) throw std::out_of_range("CandidateChooser::Choose: unknown group");
  const std::size_t pops = catalog_.pops.size();

  // Fresh cells with an RTT, best first (ties: lower index, for determinism).
  std::vector<std::pair<double, PopIndex>> measured;
  std::vector<PopIndex> never, stale, others;
  for (PopIndex p = 0; p < pops; ++p) {
    if (auto rtt = store_.RttMs(group, p, now)) {
      measured.emplace_back(*rtt, p);
    } else if (store_.SampleCount(group, p) == 0) {
      never.push_back(p);
    } else if (!store_.IsFresh(group, p, now)) {
      stale.push_back(p);
    } else {
      others.push_back(p);  // fresh but every recent fetch failed: still worth a retry now and then
    }
  }
  std::sort(measured.begin(), measured.end());

  std::vector<PopIndex> chosen;
  const std::size_t limit = std::min(config_.max_candidates, pops);
  const std::size_t exploit = std::min(config_.exploit, measured.size());
  for (std::size_t i = 0; i < exploit; ++i) chosen.push_back(measured[i].second);
  for (std::size_t i = exploit; i < measured.size(); ++i) others.push_back(measured[i].second);

  // Exploration: never measured, then stale, then any other PoP, each tier in random order.
  for (auto* tier : {&never, &stale, &others}) {
    if (chosen.size() >= limit) break;
    Shuffle(*tier, random_);
    for (PopIndex p : *tier) {
      if (chosen.size() >= limit) break;
      chosen.push_back(p);
    }
  }
  return chosen;
}

}  // namespace cdnlab
