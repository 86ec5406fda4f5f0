#pragma once
#include <string>

#include "analysis/metrics_recorder.h"

namespace cdnlab {

// Writes the per-run time series next to summary.json, one row per sample, for pandas or
// gnuplot: regret.csv (policy,time_s,group,pop,regret_ms), downloads.csv
// (policy,time_s,group,pop,download_ms), mapping_changes.csv (policy,time_s,group,from,to,family,reason,rtt_gain_ms:
// reason is MappingChangeReasonName's closed set, rtt_gain_ms only for better_rtt),
// probes.csv (policy,time_s,group,pop,rtt_ms), rum.csv (policy,time_s,group,pop,rtt_ms: RTTs
// from accepted RUM beacons). `policy` is the policy's label. Opened once; each policy appends
// its rows.
class RoutingCsvWriter {
 public:
  explicit RoutingCsvWriter(std::string directory);
  void Append(const std::string& policy, const MetricsRecorder& recorder);

 private:
  std::string directory_;
  bool first_ = true;
};

}  // namespace cdnlab
