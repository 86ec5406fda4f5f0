#pragma once
// Plots of a parameter sweep (sweep.json): per metric, its mean per grid point with the 95%
// confidence interval as error bars. Metrics differing only in the routing policy label
// (routing.<label>.rest) share one plot, one series per label.
#include "analysis/report/plot.h"
#include "analysis/report/data.h"

namespace cdnlab::report {

PlotSection BuildSweepSection(const SweepReportData& sweep, std::size_t max_plots = 40);

}  // namespace cdnlab::report
