#pragma once
// Cross-checks of a scenario's `federation:` section (and realnet's federation addresses)
// that need the whole scenario: unique ids, references that resolve (attachment nodes,
// parents, platforms, providers, servers, participants, commands), one contract deployment
// per configuration and an acyclic delegation graph, and gateways that can reach each other
// and their servers over the scenario's links.
#include <map>
#include <string>

#include "models/topology/graph.h"
#include "scenarios/core/field_marks.h"
#include "scenarios/core/scenario.h"
#include "scenarios/core/yaml_field_reader.h"

namespace cdnlab {

// `topology_ids` maps every topology node id (routers, PoPs, ...) to the field declaring it.
// Does nothing when the scenario has no federation.
void CheckFederation(const Scenario& scenario, const FieldMarks& marks, IssueLog& log,
                     const std::map<std::string, std::string>& topology_ids);

// Run on a scenario that passed every other check: each gateway reaches every other gateway
// and the attachment node of each of its platform's servers.
void CheckFederationReachability(const Scenario& scenario, const TopologyGraph& graph, const FieldMarks& marks,
                                 IssueLog& log);

}  // namespace cdnlab
