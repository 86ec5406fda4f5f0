#include "analysis/streaming_csv_writer.h"

#include <cmath>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "analysis/streaming_latency.h"

namespace cdnlab {
namespace {

std::string Num(double v) { return fmt::format("{:.3f}", std::round(v * 1000) / 1000); }
std::string Num(const std::optional<double>& v) { return v ? Num(*v) : ""; }

}  // namespace

void WriteStreamingViewersCsv(const std::string& path, const StreamingRunResult& run) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path);
  out << "viewer,group,edge,stream,join_s,startup_ms,failed_start,stalls,stall_ms,played_s,segments_fetched,"
         "fetch_failures,affected,stalls_after_failure,stall_ms_after_failure,resumed_after_s,ended_s,skips,skipped_ms,"
         "latency_p50_ms,latency_p95_ms\n";
  for (const auto& v : run.viewers) {
    const LatencyQuantiles latency = QuantilesOfLatency(v.latency_ms);
    out << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", v.viewer, v.group, v.edge, v.stream,
                       Num(v.join_s), Num(v.startup_ms), v.failed_start ? 1 : 0, v.stalls, Num(v.stall_ms),
                       Num(v.played_s), v.segments_fetched, v.fetch_failures, v.affected ? 1 : 0,
                       v.stalls_after_failure, v.affected ? Num(v.stall_ms_after_failure) : "", Num(v.resumed_after_s),
                       Num(v.ended_s), v.skips, Num(v.skipped_ms), Num(latency.p50_ms), Num(latency.p95_ms));
  }
  if (!out) throw std::runtime_error("error while writing " + path);
}

}  // namespace cdnlab
