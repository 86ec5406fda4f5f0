#include "models/routing/min_dwell_adjuster.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cdnlab {

MinDwellAdjuster::MinDwellAdjuster(Duration min_dwell) : min_dwell_(min_dwell) {
  if (min_dwell_ < Duration::zero()) throw std::invalid_argument("MinDwellAdjuster: min_dwell must be >= 0");
}

void MinDwellAdjuster::Adjust(const std::vector<MappingTarget>&, std::vector<std::vector<PopIndex>>& rankings,
                              const std::vector<std::vector<PopIndex>>& published, SimTime now) {
  if (rankings.size() != published.size()) {
    throw std::invalid_argument("MinDwellAdjuster: " + std::to_string(rankings.size()) + " rankings but " +
                                std::to_string(published.size()) + " published rows");
  }
  if (rows_.size() < rankings.size()) rows_.resize(rankings.size());
  // What is published now was computed (and published) at the previous Adjust.
  const SimTime published_at = last_adjust_.value_or(now);
  last_adjust_ = now;
  last_held_ = 0;

  for (std::size_t i = 0; i < rankings.size(); ++i) {
    RowState& row = rows_[i];
    if (published[i].empty()) {
      row.first.reset();  // nothing answers yet: nothing to hold
      continue;
    }
    const PopIndex incumbent = published[i].front();
    if (row.first != incumbent) {
      row.first = incumbent;
      row.since = published_at;
    }
    std::vector<PopIndex>& ranking = rankings[i];
    if (ranking.empty() || ranking.front() == incumbent) continue;
    if (now - row.since >= min_dwell_) continue;
    const auto it = std::find(ranking.begin(), ranking.end(), incumbent);
    if (it == ranking.end()) continue;  // the policy dropped it: unusable, let it go now
    std::rotate(ranking.begin(), it, it + 1);
    ++last_held_;
  }
  held_total_ += last_held_;
}

}  // namespace cdnlab
