#pragma once
#include <vector>

#include <Eigen/Dense>

#include "models/routing/catalog.h"

namespace cdnlab {

// The true round-trip time from every client group to every PoP and which PoPs are up,
// as the topology says it is right now. Only the oracle policy and the evaluation read it.
// The runtime refreshes it when a timeline event changes the network.
class GroundTruth {
 public:
  GroundTruth(std::size_t groups, std::size_t pops);

  void SetRttMs(const Eigen::MatrixXd& rtt_ms);  // groups x pops
  void SetPopAvailable(PopIndex pop, bool available);

  double RttMs(GroupIndex g, PopIndex p) const { return rtt_ms_(g, p); }
  bool PopAvailable(PopIndex p) const { return available_[p]; }
  const Eigen::MatrixXd& RttMatrixMs() const { return rtt_ms_; }
  // Lowest true RTT among available PoPs; +infinity when none is available.
  double BestRttMs(GroupIndex g) const;
  std::size_t Groups() const { return static_cast<std::size_t>(rtt_ms_.rows()); }
  std::size_t Pops() const { return static_cast<std::size_t>(rtt_ms_.cols()); }

 private:
  Eigen::MatrixXd rtt_ms_;
  std::vector<bool> available_;
};

}  // namespace cdnlab
