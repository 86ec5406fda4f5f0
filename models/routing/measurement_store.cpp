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
      rtt_ms_(Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(groups), static_cast<Eigen::Index>(pops), kNaN)),
      loss_(Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(groups), static_cast<Eigen::Index>(pops), kNaN)),
      last_sample_ns_(decltype(last_sample_ns_)::Constant(static_cast<Eigen::Index>(groups),
                                                          static_cast<Eigen::Index>(pops), -1)),
      samples_(decltype(samples_)::Zero(static_cast<Eigen::Index>(groups), static_cast<Eigen::Index>(pops))) {
  if (!(config.ewma_alpha > 0 && config.ewma_alpha <= 1)) {
    throw std::invalid_argument("MeasurementStore: ewma_alpha must be in (0, 1]");
  }
}

std::size_t MeasurementStore::Groups() const { return static_cast<std::size_t>(rtt_ms_.rows()); }
std::size_t MeasurementStore::Pops() const { return static_cast<std::size_t>(rtt_ms_.cols()); }

void MeasurementStore::AddSample(GroupIndex g, PopIndex p, SimTime at, std::optional<double> rtt_ms, double loss) {
  if (g >= Groups() || p >= Pops()) throw std::out_of_range("MeasurementStore::AddSample: cell out of range");
  // A loss outside [0, 1] is a caller bug, not a measurement to clamp quietly.
  if (!(loss >= 0 && loss <= 1)) throw std::invalid_argument("MeasurementStore::AddSample: loss outside [0, 1]");
  if (rtt_ms && !(*rtt_ms >= 0)) throw std::invalid_argument("MeasurementStore::AddSample: negative RTT");
  const auto r = static_cast<Eigen::Index>(g);
  const auto c = static_cast<Eigen::Index>(p);
  const double a = config_.ewma_alpha;
  if (rtt_ms) rtt_ms_(r, c) = std::isnan(rtt_ms_(r, c)) ? *rtt_ms : a * *rtt_ms + (1 - a) * rtt_ms_(r, c);
  loss_(r, c) = std::isnan(loss_(r, c)) ? loss : a * loss + (1 - a) * loss_(r, c);
  last_sample_ns_(r, c) = at.count();
  ++samples_(r, c);
}

bool MeasurementStore::IsFresh(GroupIndex g, PopIndex p, SimTime now) const {
  const std::int64_t last = last_sample_ns_(static_cast<Eigen::Index>(g), static_cast<Eigen::Index>(p));
  return last >= 0 && now.count() - last <= config_.max_age.count();
}

std::optional<double> MeasurementStore::RttMs(GroupIndex g, PopIndex p, SimTime now) const {
  const double v = rtt_ms_(static_cast<Eigen::Index>(g), static_cast<Eigen::Index>(p));
  if (!IsFresh(g, p, now) || std::isnan(v)) return std::nullopt;
  return v;
}

std::optional<double> MeasurementStore::Loss(GroupIndex g, PopIndex p, SimTime now) const {
  if (!IsFresh(g, p, now)) return std::nullopt;
  return loss_(static_cast<Eigen::Index>(g), static_cast<Eigen::Index>(p));
}

std::uint64_t MeasurementStore::SampleCount(GroupIndex g, PopIndex p) const {
  return samples_(static_cast<Eigen::Index>(g), static_cast<Eigen::Index>(p));
}

Eigen::MatrixXd MeasurementStore::FreshRttMs(SimTime now) const { return WithoutStale(rtt_ms_, now); }

Eigen::MatrixXd MeasurementStore::FreshLoss(SimTime now) const { return WithoutStale(loss_, now); }

Eigen::MatrixXd MeasurementStore::WithoutStale(Eigen::MatrixXd values, SimTime now) const {
  const auto cutoff = now.count() - config_.max_age.count();
  for (Eigen::Index r = 0; r < values.rows(); ++r) {
    for (Eigen::Index c = 0; c < values.cols(); ++c) {
      if (last_sample_ns_(r, c) < 0 || last_sample_ns_(r, c) < cutoff) values(r, c) = kNaN;
    }
  }
  return values;
}

}  // namespace cdnlab
