#include "models/routing/ground_truth.h"

#include <limits>
#include <stdexcept>

namespace cdnlab {

GroundTruth::GroundTruth(std::size_t groups, std::size_t pops)
    : rtt_ms_(Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(groups), static_cast<Eigen::Index>(pops))),
      available_(pops, true) {}

void GroundTruth::SetRttMs(const Eigen::MatrixXd& rtt_ms) {
  if (rtt_ms.rows() != rtt_ms_.rows() || rtt_ms.cols() != rtt_ms_.cols()) {
    throw std::invalid_argument("GroundTruth::SetRttMs: matrix shape does not match groups x pops");
  }
  rtt_ms_ = rtt_ms;
}

void GroundTruth::SetPopAvailable(PopIndex pop, bool available) { available_.at(pop) = available; }

double GroundTruth::BestRttMs(GroupIndex g) const {
  double best = std::numeric_limits<double>::infinity();
  for (PopIndex p = 0; p < available_.size(); ++p) {
    if (available_[p] && rtt_ms_(static_cast<Eigen::Index>(g), static_cast<Eigen::Index>(p)) < best) {
      best = rtt_ms_(static_cast<Eigen::Index>(g), static_cast<Eigen::Index>(p));
    }
  }
  return best;
}

}  // namespace cdnlab
