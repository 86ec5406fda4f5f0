#pragma once
// The parts of the mapping controller whose shape is the catalog (PoPs × client groups): the
// report verifier, the measurement store, the policy and the MappingController. A reload that
// adds or removes PoPs or groups builds a new core and carries over, by PoP and group id, what
// the old one knew (ControllerState, as a restart does from the state file); the DNS server,
// its sockets and the sinks stay.
#include <memory>

#include "models/core/seeded_random_source.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/resolver_config_sink.h"
#include "models/routing/mapping_controller.h"
#include "models/routing/measurement_store.h"
#include "models/routing/selection_policy.h"
#include "realnet/net/asio_clock.h"
#include "realnet/routing/controller_state_file.h"
#include "realnet/routing/probe_report_verifier.h"
#include "realnet/routing/withdrawn_pops.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

struct ControllerCore {
  // Throws std::invalid_argument for a policy that cannot run on real sockets (oracle) or
  // report checks every report would fail.
  ControllerCore(const Scenario& scenario, const PolicySpec& policy, ProbeReportVerifierConfig report_checks,
                 ResolverConfigSink& sink, AsioClock& clock, MetricsSink& metrics);

  // New PoP keys (throws, changing nothing, as ProbeReportVerifier::SetPopKeys does). PoPs
  // that can no longer report leave every ranking; the caller recomputes.
  void SetPopKeys(FederationIdentity pop_keys);
  // Before the controller starts: measurements, report sequence numbers, then the mapping
  // (which the controller pushes to its sink).
  void Restore(const ControllerState& state);
  // What this core holds, by id, for a core built on `to` at the same moment: entries of PoPs or
  // groups `to` no longer lists are left out (and counted in `dropped`).
  ControllerState CarryOverTo(const RoutingCatalog& to, SimTime now) const;

  RoutingCatalog catalog;  // first: the verifier and the policy refer to it
  ProbeReportVerifier verifier;
  MeasurementStore store;
  SeededRandomSource random;
  std::unique_ptr<SelectionPolicy> policy;
  WithdrawnPops withdrawn;
  bool withdrawn_added = false;
  std::unique_ptr<MappingController> controller;
};

}  // namespace cdnlab
