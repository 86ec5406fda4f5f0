#pragma once
// Plots of the federation experiment: command completion CDF per command type (commands.csv).
#include "analysis/report/plot.h"
#include "analysis/report/data.h"

namespace cdnlab::report {

PlotSection BuildFederationSection(const RunReportData& run);

}  // namespace cdnlab::report
