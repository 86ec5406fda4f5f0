#pragma once
// PoPs the operator took out of service: their key left the --pop-keys file on a reload (and
// unsigned reports are refused). They are removed from every ranking, so DNS stops answering
// with them at the next recomputation, not only once their measurements have aged out.
#include <algorithm>
#include <utility>
#include <vector>

#include "models/routing/ranking_adjuster.h"

namespace cdnlab {

class WithdrawnPops final : public RankingAdjuster {
 public:
  // withdrawn[p]: PoP p is out of service.
  void Set(std::vector<bool> withdrawn) { withdrawn_ = std::move(withdrawn); }
  bool Any() const { return std::find(withdrawn_.begin(), withdrawn_.end(), true) != withdrawn_.end(); }

  void Adjust(const std::vector<MappingTarget>&, std::vector<std::vector<PopIndex>>& rankings,
              const std::vector<std::vector<PopIndex>>&, SimTime) override {
    for (auto& ranking : rankings) {
      ranking.erase(std::remove_if(ranking.begin(), ranking.end(),
                                   [&](PopIndex p) { return p < withdrawn_.size() && withdrawn_[p]; }),
                    ranking.end());
    }
  }

 private:
  std::vector<bool> withdrawn_;
};

}  // namespace cdnlab
