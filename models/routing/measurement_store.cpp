#include "models/routing/measurement_store.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace cdnlab {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

MeasurementStore::MeasurementStore(std::size_t groups, std::size_t pops, MeasurementStoreConfig config)
    : config_(config),
      groups_(groups),
      pops_(pops),
      rtt_ms_(groups * pops, kNaN),
      loss_(groups * pops, kNaN),
      last_sample_ns_(groups * pops, -1),
      samples_(groups * pops, 0) {
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
  if (rtt_ms) rtt_ms_[c] = std::isnan(rtt_ms_[c]) ? *rtt_ms : a * *rtt_ms + (1 - a) * rtt_ms_[c];
  loss_[c] = std::isnan(loss_[c]) ? loss : a * loss + (1 - a) * loss_[c];
  last_sample_ns_[c] = at.count();
  ++samples_[c];
}

bool MeasurementStore::IsFresh(GroupIndex g, PopIndex p, SimTime now) const {
  const std::int64_t last = last_sample_ns_[Cell(g, p)];
  return last >= 0 && now.count() - last <= config_.max_age.count();
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
          last < 0 || last < cutoff ? kNaN : values[g * pops_ + p];
    }
  }
  return out;
}

}  // namespace cdnlab
