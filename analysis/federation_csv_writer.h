#pragma once
#include <string>

#include "analysis/federation_results.h"

namespace cdnlab {

// commands.csv next to summary.json, one row per scenario command:
// id,type,platform,by,issued_at_s,status_id,status,targeted,acknowledged,applied,
// wrongly_targeted,completion_ms,bound_ms,errors. Server counts are numbers; completion_ms
// and bound_ms are empty when there is none; errors is "code[:server server...]" entries
// joined by ';'. A cancel row has the cancelled command's status_id, status accepted or
// refused, and the later columns empty. Throws std::runtime_error on I/O failure.
void WriteFederationCommandsCsv(const std::string& path, const FederationRunResult& run);

}  // namespace cdnlab
