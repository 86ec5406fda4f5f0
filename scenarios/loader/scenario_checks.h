#pragma once
#include "scenarios/core/field_marks.h"
#include "scenarios/core/scenario.h"
#include "scenarios/core/yaml_field_reader.h"

namespace cdnlab {

// Checks that need the whole scenario: unique ids, references that resolve, prefixes that
// do not overlap, links not duplicated, timeline events that name real links/PoPs, and a
// network in which every client group, resolver and the DNS node reach every PoP; and the
// federation section's references and reachability (scenarios/federation/checks.h), and the
// streaming section's (scenarios/streaming/checks.h).
void CheckScenario(const Scenario& scenario, const FieldMarks& marks, IssueLog& log);

}  // namespace cdnlab
