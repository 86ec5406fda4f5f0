#include "realnet/rum/standalone_mapping.h"

#include <stdexcept>

#include "models/routing/mapping_target.h"
#include "realnet/routing/catalog.h"
#include "scenarios/core/measured_policy_configs.h"

namespace cdnlab {
namespace {

const PolicySpec& RequireMeasured(const PolicySpec& policy) {
  if (!policy.IsMeasured()) {
    throw std::invalid_argument("policy '" + policy.ResultLabel() +
                                "' is not measured (probe, rum or hybrid): beacons would steer nothing");
  }
  return policy;
}

}  // namespace

StandaloneRumMapping::StandaloneRumMapping(const Scenario& s, const PolicySpec& policy, Clock& clock,
                                           TimerScheduler& timers, MetricsSink& metrics)
    : catalog_(RealnetCatalog(s)),
      store_(catalog_.groups.size(), catalog_.pops.size(), MeasurementStoreConfigFor(RequireMeasured(policy))),
      policy_(store_, MeasuredPolicyConfigFor(policy)),
      controller_(BuildMappingTargets(catalog_), policy_, sink_, clock, timers, metrics,
                  MappingControllerConfig{FromSeconds(s.mapping.recompute_interval_s),
                                          static_cast<std::size_t>(s.mapping.ranked_pops)}) {}

}  // namespace cdnlab
