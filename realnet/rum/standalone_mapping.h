#pragma once
// The mapping of a RUM collector that runs without a controller (`realnet rum-collector`):
// its own MeasurementStore ranked by MeasuredPolicy in a MappingController, beacons only. No
// DNS server is attached, so the mapping is only shown in /rum/state; to have beacons steer DNS
// answers, host the collector in the controller (`realnet controller --rum-listen`), which
// shares the controller's store instead.
#include "models/ports/clock.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/resolver_config_sink.h"
#include "models/ports/timer_scheduler.h"
#include "models/routing/catalog.h"
#include "models/routing/mapping_controller.h"
#include "models/routing/measured_policy.h"
#include "models/routing/measurement_store.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

class StandaloneRumMapping {
 public:
  // `policy` must be measured (probe, rum or hybrid); throws std::invalid_argument otherwise.
  StandaloneRumMapping(const Scenario& scenario, const PolicySpec& policy, Clock& clock, TimerScheduler& timers,
                       MetricsSink& metrics);
  void Start() { controller_.Start(); }
  void Stop() { controller_.Stop(); }
  MeasurementStore& Store() { return store_; }
  const MappingTable& Table() const { return controller_.Table(); }

 private:
  class DiscardingSink final : public ResolverConfigSink {
   public:
    void Apply(const MappingDiff&) override {}
  };

  RoutingCatalog catalog_;
  MeasurementStore store_;
  MeasuredPolicy policy_;
  DiscardingSink sink_;
  MappingController controller_;
};

}  // namespace cdnlab
