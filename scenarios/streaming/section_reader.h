#pragma once
// Reads the `streaming:` section of a scenario (issue 5: publishers -> an ingest pool behind
// one virtual address -> mid-tier caches -> edges -> viewers, plus a timeline of ingest
// failures). Every problem is recorded with its position and reading goes on; references
// (attachment nodes, parents, edges, streams, ingests, unique ids) are checked afterwards by
// CheckStreaming, which finds the fields through `marks`.
#include <yaml-cpp/yaml.h>

#include "scenarios/core/field_marks.h"
#include "scenarios/core/scenario.h"
#include "scenarios/core/yaml_field_reader.h"

namespace cdnlab {

// `node` is the value of the top-level `streaming` key; `duration_s` bounds every time in it.
// Sets out.present when the section is a mapping.
void ReadStreamingSection(const YAML::Node& node, double duration_s, StreamingSpec& out, IssueLog& log,
                          FieldMarks& marks);

}  // namespace cdnlab
