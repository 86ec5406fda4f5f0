#pragma once
// Plots of the routing experiment: regret CDF per policy (regret.csv) and the mapping timeline
// (mapping changes per time bin per policy, mapping_changes.csv).
#include "analysis/report/plot.h"
#include "analysis/report/data.h"

namespace cdnlab::report {

// Fills the "routing" section; absent (with the reason) when the run has no routing results.
PlotSection BuildRoutingSection(const RunReportData& run);

// Bin width (s) for a timeline over `duration_s`: a round number giving roughly 30-60 bins.
double TimelineBinSeconds(double duration_s);

}  // namespace cdnlab::report
