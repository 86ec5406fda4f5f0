#pragma once
// Cross-checks of a scenario's `streaming:` section that need the whole scenario: ids unique
// across the scenario (topology nodes, federation ids, and the streaming nodes, including the
// load balancer and publisher hosts the section implies), attachment nodes that exist, edge
// parents that are mid-tier caches, viewer groups at an existing edge watching a published
// stream, one publisher per stream, events that name an existing ingest or stream at a time
// it can fail, at least one ingest in the pool from the start; and, on the built topology,
// every streaming node reachable from the load balancer.
#include <map>
#include <string>

#include "models/topology/graph.h"
#include "scenarios/core/field_marks.h"
#include "scenarios/core/scenario.h"
#include "scenarios/core/yaml_field_reader.h"

namespace cdnlab {

// `topology_ids` maps every topology node id (routers, PoPs, ...) to the field declaring it.
// Does nothing when the scenario has no streaming section.
void CheckStreaming(const Scenario& scenario, const FieldMarks& marks, IssueLog& log,
                    const std::map<std::string, std::string>& topology_ids);

// Run on a scenario that passed every other check: every `at` of the section reaches the
// load balancer's node over the scenario's links.
void CheckStreamingReachability(const Scenario& scenario, const TopologyGraph& graph, const FieldMarks& marks,
                                IssueLog& log);

}  // namespace cdnlab
