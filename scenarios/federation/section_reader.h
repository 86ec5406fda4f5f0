#pragma once
// Reads the `federation:` section of a scenario (issue 4: several CDNs, their servers, the
// content providers' configurations deployed across them, and a timeline of RFC 8007
// commands and faults). Every problem is recorded with its position and reading goes on;
// references between entries (ids, platforms, servers, delegations) are checked afterwards
// by CheckFederation, which finds the fields through `marks`.
#include <yaml-cpp/yaml.h>

#include "scenarios/core/field_marks.h"
#include "scenarios/core/scenario.h"
#include "scenarios/core/yaml_field_reader.h"

namespace cdnlab {

// `node` is the value of the top-level `federation` key; `duration_s` bounds command and
// fault times. Sets out.present when the section is a mapping.
void ReadFederationSection(const YAML::Node& node, double duration_s, FederationSpec& out, IssueLog& log,
                           FieldMarks& marks);

// The trigger types a command may have and a platform may list under `supports`: the RFC's
// three in its spelling, plus cdnlab's extension "statistics" (a platform supports it only
// when it lists it).
inline constexpr const char* kFederationTriggerTypes = "invalidate, preposition, purge, statistics";

}  // namespace cdnlab
