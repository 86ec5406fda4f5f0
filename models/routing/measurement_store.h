#pragma once
#include <cstdint>
#include <optional>

#include <Eigen/Dense>

#include "models/core/sim_time.h"
#include "models/routing/routing_catalog.h"

namespace cdnlab {

struct MeasurementStoreConfig {
  double ewma_alpha = 0.3;          // weight of the newest sample
  Duration max_age = std::chrono::seconds(60);  // older cells count as unmeasured
};

// Smoothed probe metrics per (client group, PoP) cell: RTT and loss as EWMAs, with
// the time of the last sample so that stale cells age out instead of steering traffic.
class MeasurementStore {
 public:
  MeasurementStore(std::size_t groups, std::size_t pops, MeasurementStoreConfig config = {});

  // One probe-train outcome. `rtt_ms` is absent when every probe was lost; `loss` in [0, 1].
  // A cell's first sample is taken as is; later ones are blended with ewma_alpha.
  void AddSample(GroupIndex g, PopIndex p, SimTime at, std::optional<double> rtt_ms, double loss);

  bool IsFresh(GroupIndex g, PopIndex p, SimTime now) const;
  std::optional<double> RttMs(GroupIndex g, PopIndex p, SimTime now) const;  // fresh only
  std::optional<double> Loss(GroupIndex g, PopIndex p, SimTime now) const;   // fresh only
  std::uint64_t SampleCount(GroupIndex g, PopIndex p) const;

  // groups x pops; NaN where a cell is stale or was never measured.
  Eigen::MatrixXd FreshRttMs(SimTime now) const;
  Eigen::MatrixXd FreshLoss(SimTime now) const;

  std::size_t Groups() const;
  std::size_t Pops() const;
  const MeasurementStoreConfig& Config() const { return config_; }

 private:
  // `values` with NaN wherever the cell is stale or was never sampled.
  Eigen::MatrixXd WithoutStale(Eigen::MatrixXd values, SimTime now) const;

  MeasurementStoreConfig config_;
  Eigen::MatrixXd rtt_ms_;   // NaN until an RTT was seen
  Eigen::MatrixXd loss_;     // NaN until any sample was seen
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> last_sample_ns_;  // -1 = never
  Eigen::Matrix<std::uint64_t, Eigen::Dynamic, Eigen::Dynamic> samples_;
};

}  // namespace cdnlab
