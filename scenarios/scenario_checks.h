#pragma once
#include "scenarios/field_marks.h"
#include "scenarios/scenario.h"
#include "scenarios/yaml_field_reader.h"

namespace cdnlab {

// Checks that need the whole scenario: unique ids, references that resolve, prefixes that
// do not overlap, links not duplicated, timeline events that name real links/PoPs, and a
// network in which every client group, resolver and the DNS node reach every PoP; and the
// federation section's references and reachability (scenarios/federation_checks.h), and the
// streaming section's (scenarios/streaming_checks.h).
void CheckScenario(const Scenario& scenario, const FieldMarks& marks, IssueLog& log);

}  // namespace cdnlab
