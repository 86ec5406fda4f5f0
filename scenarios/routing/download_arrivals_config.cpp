#include "scenarios/routing/download_arrivals_config.h"

#include <algorithm>

namespace cdnlab {

GroupArrivalsConfig DownloadArrivalsConfigFor(const Scenario& s) {
  GroupArrivalsConfig c;
  c.per_group_per_min = s.workload.downloads_per_group_per_min;
  c.start_at = FromSeconds(s.evaluation.warmup_s);
  c.stop_at = FromSeconds(std::max(s.evaluation.warmup_s, s.duration_s - 5));
  return c;
}

}  // namespace cdnlab
