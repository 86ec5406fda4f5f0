#pragma once
#include "analysis/federation_results.h"
#include "models/ports/metrics_sink.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

// Runs a scenario's federation (issue 4) on the network `scenario.fidelity` asks for (packet:
// ns-3 nodes and UDP, FederationSimNetwork; flow: delays computed from the topology,
// FederationFlowNetwork): one command invocation system per platform on its gateway node,
// one server agent per server with a cache prefilled with its configurations' objects,
// signed messages over simulated UDP, the scenario's commands issued at their times and its
// faults applied at theirs, for duration_s. Reports every command as seen at the platform it
// was issued on, with its downstream chain, the completion lower bound and the servers it
// reached that it should not have. Metrics stream to `metrics` as well.
// Deterministic for a given scenario (seed included); callable repeatedly in one process.
// Requires scenario.federation.present.
FederationRunResult RunFederationExperiment(const Scenario& scenario, MetricsSink& metrics);

}  // namespace cdnlab
