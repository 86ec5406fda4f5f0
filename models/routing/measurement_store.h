#pragma once
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include <Eigen/Dense>

#include "models/core/sim_time.h"
#include "models/routing/catalog.h"

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

  // Calls visit(pop, rtt_ms, loss) for each of the group's fresh cells with an RTT, in PoP
  // order: one contiguous pass over the group's row, which policies ranking 100,000 groups need.
  template <typename Visit>
  void ForEachFreshCell(GroupIndex g, SimTime now, Visit&& visit) const {
    const std::size_t row = g * pops_;
    const std::int64_t cutoff = now.count() - config_.max_age.count();
    for (PopIndex p = 0; p < pops_; ++p) {
      const std::int64_t last = last_sample_ns_[row + p];
      if (last == kNever || last < cutoff || rtt_ms_[row + p] != rtt_ms_[row + p]) continue;  // stale, or no RTT (NaN)
      visit(p, rtt_ms_[row + p], loss_[row + p]);
    }
  }

  // A group's row when every cell is fresh and has an RTT (most rows once probing covers them):
  // the RTTs of PoPs 0..P-1 side by side and their losses, or loss == nullptr when every loss is
  // exactly +0.0. So a reader takes one array, with no per-cell check, and visits the same cells
  // with the same values as ForEachFreshCell. rtt_ms == nullptr: not such a row, read it per cell.
  struct DenseRow {
    const double* rtt_ms = nullptr;
    const double* loss = nullptr;
  };
  DenseRow FreshDenseRow(GroupIndex g, SimTime now) const;

  // groups x pops; NaN where a cell is stale or was never measured.
  Eigen::MatrixXd FreshRttMs(SimTime now) const;
  Eigen::MatrixXd FreshLoss(SimTime now) const;

  // One cell as it is, fresh or stale: what a controller keeps across a restart.
  struct SavedCell {
    std::optional<double> rtt_ms;  // absent when every probe so far was lost
    double loss = 0;
    SimTime last_sample{};  // may be before time 0 (a sample taken before this process began)
    std::uint32_t samples = 0;
  };
  std::optional<SavedCell> Saved(GroupIndex g, PopIndex p) const;  // nullopt: never sampled
  // Sets the cell as Saved returned it (throws std::invalid_argument on a loss outside [0, 1],
  // a negative RTT or zero samples).
  void Restore(GroupIndex g, PopIndex p, const SavedCell& cell);

  std::size_t Groups() const { return groups_; }
  std::size_t Pops() const { return pops_; }
  const MeasurementStoreConfig& Config() const { return config_; }

 private:
  // `values` (row-major cells) with NaN wherever the cell is stale or was never sampled.
  Eigen::MatrixXd WithoutStale(const std::vector<double>& values, SimTime now) const;
  std::size_t Cell(GroupIndex g, PopIndex p) const;  // checked index
  // Keeps the per-row counts and oldest-sample bound below in step with cell c's change.
  void NoteCellChange(std::size_t c, double old_rtt, double old_loss, std::int64_t old_last);

  MeasurementStoreConfig config_;
  std::size_t groups_;
  std::size_t pops_;
  // Row-major (a group's PoPs side by side), one array per field: 28 bytes per cell.
  std::vector<double> rtt_ms_;               // NaN until an RTT was seen
  std::vector<double> loss_;                 // NaN until any sample was seen
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();
  std::vector<std::int64_t> last_sample_ns_;  // kNever = never
  std::vector<std::uint32_t> samples_;
  // Per group (row), for FreshDenseRow. Counts of cells with no RTT, and of cells whose loss is not
  // +0.0 (NaN included). oldest_ns_ is at most the row's oldest sample time (kNever while a cell
  // was never sampled), exact where oldest_exact_ says so: a sample may only raise the oldest, which
  // leaves the bound valid but loose, so FreshDenseRow rescans a loose row (a cache: hence mutable;
  // the store has one thread, like the rest of the models).
  std::vector<std::uint32_t> rtt_missing_;
  std::vector<std::uint32_t> loss_not_zero_;
  mutable std::vector<std::int64_t> oldest_ns_;
  mutable std::vector<std::uint8_t> oldest_exact_;
};

}  // namespace cdnlab
