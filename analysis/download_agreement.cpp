#include "analysis/download_agreement.h"

#include <cmath>

#include "analysis/weighted_percentile.h"

namespace cdnlab {
namespace {

std::optional<double> Median(const std::vector<double>& values) {
  if (values.empty()) return std::nullopt;
  std::vector<WeightedValue> weighted;
  for (double v : values) weighted.push_back({v, 1});
  return WeightedPercentile(std::move(weighted), 0.5);
}

}  // namespace

DownloadAgreement CompareDownloadTimes(const std::vector<GroupDownloadTimes>& groups, const DownloadTolerance& tolerance) {
  DownloadAgreement result;
  std::vector<WeightedValue> errors;
  std::size_t within = 0;
  for (const auto& g : groups) {
    GroupDownloadAgreement a;
    a.group = g.group;
    a.sim_downloads = g.sim_ms.size();
    a.real_downloads = g.real_ms.size();
    a.sim_ms = Median(g.sim_ms);
    a.real_ms = Median(g.real_ms);
    if (a.sim_ms && a.real_ms) {
      a.error_ms = *a.real_ms - *a.sim_ms;
      a.within_tolerance = std::fabs(*a.error_ms) <= tolerance.AllowedMs(*a.sim_ms);
      errors.push_back({std::fabs(*a.error_ms), 1});
      within += a.within_tolerance;
    }
    result.groups.push_back(a);
  }
  result.groups_compared = errors.size();
  result.error_p50_ms = WeightedPercentile(errors, 0.5);
  result.error_max_ms = WeightedPercentile(errors, 1.0);
  result.share_within_tolerance = errors.empty() ? 0.0 : static_cast<double>(within) / errors.size();
  return result;
}

}  // namespace cdnlab
