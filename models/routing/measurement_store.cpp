#include "models/routing/measurement_store.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace cdnlab {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// A loss a dense reader may leave out (score = rtt + penalty x +0.0): exactly +0.0.
bool LossNotPlusZero(double loss) { return !(loss == 0) || std::signbit(loss); }
}

MeasurementStore::MeasurementStore(std::size_t groups, std::size_t pops, MeasurementStoreConfig config)
    : config_(config),
      groups_(groups),
      pops_(pops),
      rtt_ms_(groups * pops, kNaN),
      loss_(groups * pops, kNaN),
      last_sample_ns_(groups * pops, kNever),
      samples_(groups * pops, 0),
      rtt_missing_(groups, static_cast<std::uint32_t>(pops)),
      loss_not_zero_(groups, static_cast<std::uint32_t>(pops)),
      oldest_ns_(groups, kNever),
      oldest_exact_(groups, 1) {
  if (!(config.ewma_alpha > 0 && config.ewma_alpha <= 1)) {
    throw std::invalid_argument("MeasurementStore: ewma_alpha must be in (0, 1]");
  }
}

std::size_t MeasurementStore::Cell(GroupIndex g, PopIndex p) const {
  if (g >= groups_ || p >= pops_) throw std::out_of_range("MeasurementStore: cell out of range");
  return g * pops_ + p;
}

void MeasurementStore::AddSample(GroupIndex g, PopIndex p, SimTime at, std::optional<double> rtt_ms, double loss) {
  const std::size_t c = Cell(g, p);
  // A loss outside [0, 1] is a caller bug, not a measurement to clamp quietly.
  if (!(loss >= 0 && loss <= 1)) throw std::invalid_argument("MeasurementStore::AddSample: loss outside [0, 1]");
  if (rtt_ms && !(*rtt_ms >= 0)) throw std::invalid_argument("MeasurementStore::AddSample: negative RTT");
  const double a = config_.ewma_alpha;
  const double old_rtt = rtt_ms_[c], old_loss = loss_[c];
  const std::int64_t old_last = last_sample_ns_[c];
  if (rtt_ms) rtt_ms_[c] = std::isnan(rtt_ms_[c]) ? *rtt_ms : a * *rtt_ms + (1 - a) * rtt_ms_[c];
  loss_[c] = std::isnan(loss_[c]) ? loss : a * loss + (1 - a) * loss_[c];
  last_sample_ns_[c] = at.count();
  ++samples_[c];
  NoteCellChange(c, old_rtt, old_loss, old_last);
}

void MeasurementStore::NoteCellChange(std::size_t c, double old_rtt, double old_loss, std::int64_t old_last) {
  const std::size_t g = c / pops_;
  rtt_missing_[g] += static_cast<std::uint32_t>(std::isnan(rtt_ms_[c])) - static_cast<std::uint32_t>(std::isnan(old_rtt));
  loss_not_zero_[g] += static_cast<std::uint32_t>(LossNotPlusZero(loss_[c])) -
                       static_cast<std::uint32_t>(LossNotPlusZero(old_loss));
  const std::int64_t last = last_sample_ns_[c];
  if (last < oldest_ns_[g]) {
    oldest_ns_[g] = last;  // the new oldest if the bound was exact, still a bound if not
  } else if (old_last == oldest_ns_[g] && last != old_last) {
    oldest_exact_[g] = 0;  // maybe the oldest cell moved on: the bound may now be below the row's oldest
  }
}

MeasurementStore::DenseRow MeasurementStore::FreshDenseRow(GroupIndex g, SimTime now) const {
  if (g >= groups_ || pops_ == 0 || rtt_missing_[g] != 0) return {};
  const std::int64_t cutoff = now.count() - config_.max_age.count();
  const std::size_t row = g * pops_;
  const auto fresh = [&](std::int64_t oldest) { return oldest != kNever && oldest >= cutoff; };
  if (!fresh(oldest_ns_[g]) && !oldest_exact_[g]) {
    oldest_ns_[g] = *std::min_element(last_sample_ns_.begin() + static_cast<std::ptrdiff_t>(row),
                                      last_sample_ns_.begin() + static_cast<std::ptrdiff_t>(row + pops_));
    oldest_exact_[g] = 1;
  }
  if (!fresh(oldest_ns_[g])) return {};
  return {&rtt_ms_[row], loss_not_zero_[g] == 0 ? nullptr : &loss_[row]};
}

bool MeasurementStore::IsFresh(GroupIndex g, PopIndex p, SimTime now) const {
  const std::int64_t last = last_sample_ns_[Cell(g, p)];
  return last != kNever && now.count() - last <= config_.max_age.count();
}

std::optional<double> MeasurementStore::RttMs(GroupIndex g, PopIndex p, SimTime now) const {
  const double v = rtt_ms_[Cell(g, p)];
  if (!IsFresh(g, p, now) || std::isnan(v)) return std::nullopt;
  return v;
}

std::optional<double> MeasurementStore::Loss(GroupIndex g, PopIndex p, SimTime now) const {
  if (!IsFresh(g, p, now)) return std::nullopt;
  return loss_[Cell(g, p)];
}

std::optional<MeasurementStore::SavedCell> MeasurementStore::Saved(GroupIndex g, PopIndex p) const {
  const std::size_t c = Cell(g, p);
  if (last_sample_ns_[c] == kNever) return std::nullopt;
  SavedCell cell;
  if (!std::isnan(rtt_ms_[c])) cell.rtt_ms = rtt_ms_[c];
  cell.loss = loss_[c];
  cell.last_sample = SimTime(last_sample_ns_[c]);
  cell.samples = samples_[c];
  return cell;
}

void MeasurementStore::Restore(GroupIndex g, PopIndex p, const SavedCell& cell) {
  const std::size_t c = Cell(g, p);
  if (!(cell.loss >= 0 && cell.loss <= 1)) throw std::invalid_argument("MeasurementStore::Restore: loss outside [0, 1]");
  if (cell.rtt_ms && !(*cell.rtt_ms >= 0)) throw std::invalid_argument("MeasurementStore::Restore: negative RTT");
  if (cell.samples == 0) throw std::invalid_argument("MeasurementStore::Restore: a saved cell has samples");
  const double old_rtt = rtt_ms_[c], old_loss = loss_[c];
  const std::int64_t old_last = last_sample_ns_[c];
  rtt_ms_[c] = cell.rtt_ms ? *cell.rtt_ms : kNaN;
  loss_[c] = cell.loss;
  // Ages are kept within ~30 years so that `now - last` cannot overflow.
  constexpr std::int64_t kFarPast = -1'000'000'000'000'000'000;
  last_sample_ns_[c] = std::max<std::int64_t>(cell.last_sample.count(), kFarPast);
  samples_[c] = cell.samples;
  NoteCellChange(c, old_rtt, old_loss, old_last);
}

std::uint64_t MeasurementStore::SampleCount(GroupIndex g, PopIndex p) const { return samples_[Cell(g, p)]; }

Eigen::MatrixXd MeasurementStore::FreshRttMs(SimTime now) const { return WithoutStale(rtt_ms_, now); }

Eigen::MatrixXd MeasurementStore::FreshLoss(SimTime now) const { return WithoutStale(loss_, now); }

Eigen::MatrixXd MeasurementStore::WithoutStale(const std::vector<double>& values, SimTime now) const {
  const auto cutoff = now.count() - config_.max_age.count();
  Eigen::MatrixXd out(static_cast<Eigen::Index>(groups_), static_cast<Eigen::Index>(pops_));
  for (std::size_t g = 0; g < groups_; ++g) {
    for (std::size_t p = 0; p < pops_; ++p) {
      const std::int64_t last = last_sample_ns_[g * pops_ + p];
      out(static_cast<Eigen::Index>(g), static_cast<Eigen::Index>(p)) =
          last == kNever || last < cutoff ? kNaN : values[g * pops_ + p];
    }
  }
  return out;
}

}  // namespace cdnlab
