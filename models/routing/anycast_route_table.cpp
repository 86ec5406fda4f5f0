#include "models/routing/anycast_route_table.h"

#include <cmath>
#include <stdexcept>

namespace cdnlab {

AnycastRouteTable::AnycastRouteTable(Eigen::MatrixXd path_hops, Duration convergence, TimerScheduler& timers)
    : hops_(std::move(path_hops)),
      convergence_(convergence),
      timers_(timers),
      announced_(static_cast<std::size_t>(hops_.cols()), true),
      pending_(static_cast<std::size_t>(hops_.cols())) {
  if (convergence_ < Duration::zero()) throw std::invalid_argument("AnycastRouteTable: convergence must be >= 0");
}

AnycastRouteTable::~AnycastRouteTable() {
  for (auto& timer : pending_) {
    if (timer) timers_.Cancel(*timer);
  }
}

void AnycastRouteTable::PopAvailabilityChanged(PopIndex pop, bool up) {
  std::optional<TimerId>& pending = pending_.at(pop);
  if (pending) timers_.Cancel(*pending);
  pending = timers_.ScheduleAfter(convergence_, [this, pop, up] {
    pending_[pop].reset();
    if (announced_[pop] == up) return;
    announced_[pop] = up;
    if (changed_) changed_(pop, up);
  });
}

std::optional<PopIndex> AnycastRouteTable::RoutedPop(GroupIndex g, PopIndex answered) const {
  if (answered < announced_.size() && announced_[answered]) return answered;
  std::optional<PopIndex> best;
  const auto row = static_cast<Eigen::Index>(g);
  for (PopIndex p = 0; p < announced_.size(); ++p) {
    const double hops = hops_(row, static_cast<Eigen::Index>(p));
    if (!announced_[p] || !std::isfinite(hops)) continue;
    if (!best || hops < hops_(row, static_cast<Eigen::Index>(*best))) best = p;
  }
  return best;
}

}  // namespace cdnlab
