#pragma once
// Which PoPs' anycast routes the Internet carries right now. A PoP that fails withdraws its
// announcement and one that recovers announces again; BGP takes `convergence` to carry either
// change everywhere, after which packets to the anycast address from every client reach the
// fewest-hop PoP still announced, whatever any DNS cache says (the packets are routed, nothing
// is looked up). Convergence is one delay for every client: the model does not stage it.
#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include <Eigen/Dense>

#include "models/core/sim_time.h"
#include "models/ports/timer_scheduler.h"
#include "models/routing/catalog.h"

namespace cdnlab {

class AnycastRouteTable {
 public:
  // Called when an announcement changed: (pop, announced now).
  using Changed = std::function<void(PopIndex, bool)>;

  // path_hops: groups x pops, as AnycastPolicy takes it (+inf = unreachable). convergence >= 0
  // (throws std::invalid_argument otherwise). Every PoP is announced at the start.
  AnycastRouteTable(Eigen::MatrixXd path_hops, Duration convergence, TimerScheduler& timers);
  ~AnycastRouteTable();
  void OnChange(Changed changed) { changed_ = std::move(changed); }

  // The PoP itself went down or came back (its routers stop or start announcing): the
  // Internet's routes follow `convergence` later. A later change of the same PoP replaces a
  // pending one that has not converged yet.
  void PopAvailabilityChanged(PopIndex pop, bool up);

  bool Announced(PopIndex p) const { return announced_.at(p); }
  // Where group g's packets sent to `answered` (a PoP's address) go: that PoP while it is
  // announced, else the fewest-hop announced PoP from g (ties: lower index); nullopt when
  // nothing reachable is announced.
  std::optional<PopIndex> RoutedPop(GroupIndex g, PopIndex answered) const;
  const Eigen::MatrixXd& PathHops() const { return hops_; }

 private:
  Eigen::MatrixXd hops_;
  Duration convergence_;
  TimerScheduler& timers_;
  Changed changed_;
  std::vector<bool> announced_;
  std::vector<std::optional<TimerId>> pending_;
};

}  // namespace cdnlab
