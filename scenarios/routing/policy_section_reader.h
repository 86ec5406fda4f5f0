#pragma once
// Reads the `policies:` list of a scenario: which routing policies run (one ns-3 run each) and
// their options. Each policy kind accepts only the options that mean something for it (probe
// budget for probe/hybrid, page views for rum/hybrid, ...), so a misplaced option is an error
// rather than silently ignored. Labels key every result and must be unique.
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "scenarios/core/field_marks.h"
#include "scenarios/core/scenario.h"
#include "scenarios/core/yaml_field_reader.h"

namespace cdnlab {

// `top` is the scenario's top-level mapping. Remembers policies[i].<key> marks for later checks.
void ReadPolicySection(MapReader& top, bool required, std::vector<PolicySpec>& out, IssueLog& log, FieldMarks& marks);

// The YAML spelling of a policy kind (`probe` for kProbe) and of map_by.
std::string PolicyKindName(PolicyKind kind);
std::string MapByName(MapBy map_by);

}  // namespace cdnlab
