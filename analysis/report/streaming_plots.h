#pragma once
// Plots of the streaming experiment: startup delay CDF and stalls per viewer (viewers.csv),
// offload by cache tier (summary.json streaming.offload_pct / segment_offload_pct).
#include "analysis/report/plot.h"
#include "analysis/report/data.h"

namespace cdnlab::report {

PlotSection BuildStreamingSection(const RunReportData& run);

}  // namespace cdnlab::report
