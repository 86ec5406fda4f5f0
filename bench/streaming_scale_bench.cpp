// Live streaming at scale in flow fidelity: a synthetic flash crowd (default: 10 regions with an
// ingest and a mid-tier cache each, 100 edges, 100,000 viewers joining within 20 s, 10 minutes;
// scenarios/streaming_flash_crowd.yaml) in one process on one core. Reports the simulated
// playlist and segment requests served per wall second across the tiers (edges, mids,
// ingests), timed against a bare ns-3 scheduler loop that runs the same number of events in
// the same process (and what that loop's speed allows at this run's events per request: the
// ceiling with free models). Prints one JSON object.
// Usage: cdnlab_streaming_scale_bench [viewers=100000] [edges=100] [duration_s=600] [segment_s=6]
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/metrics_recorder.h"
#include "bench/bare_scheduler_loop.h"
#include "bench/run_measures.h"
#include "scenarios/loader/scenario_loader.h"
#include "scenarios/streaming/synthetic_scenario.h"
#include "sim/streaming/experiment.h"

int main(int argc, char** argv) {
  using namespace cdnlab;
  SyntheticStreamingSpec spec;
  if (argc > 1) spec.viewers = std::strtoull(argv[1], nullptr, 10);
  if (argc > 2) spec.edges = std::strtoull(argv[2], nullptr, 10);
  if (argc > 3) spec.duration_s = std::atof(argv[3]);
  if (argc > 4) spec.segment_s = std::atof(argv[4]);
  std::string yaml;
  try {
    yaml = SyntheticStreamingYaml(spec);
  } catch (const std::invalid_argument& e) {
    std::cerr << "usage: cdnlab_streaming_scale_bench [viewers] [edges>=10] [duration_s>40] [segment_s>0]: "
              << e.what() << "\n";
    return 2;
  }
  const Scenario scenario = LoadScenarioText(yaml, "<synthetic streaming>");
  MetricsRecorder metrics;
  // CPU seconds beside wall seconds: on a shared machine the wall clock also counts other
  // processes' turns on the core, CPU time only this run's.
  const auto running = bench::WallClock::now();
  const std::clock_t cpu_started = std::clock();
  const StreamingRunResult run = RunStreamingExperiment(scenario, metrics);
  const double run_s = bench::Since(running);
  const double run_cpu_s = static_cast<double>(std::clock() - cpu_started) / CLOCKS_PER_SEC;

  std::uint64_t edge_requests = 0, edge_segment_requests = 0, mid_requests = 0, mid_segment_requests = 0;
  for (const auto& c : run.caches) {
    (c.tier == "edge" ? edge_requests : mid_requests) += c.requests;
    (c.tier == "edge" ? edge_segment_requests : mid_segment_requests) += c.segment_requests;
  }
  std::uint64_t ingest_requests = 0, ingest_segment_requests = 0;
  for (const auto& i : run.ingests) {
    ingest_requests += i.requests_served;
    ingest_segment_requests += i.segment_requests_served;
  }
  std::uint64_t started = 0, stalls = 0;
  for (const auto& v : run.viewers) {
    started += v.startup_ms.has_value();
    stalls += v.stalls;
  }
  const std::uint64_t requests = edge_requests + mid_requests + ingest_requests;
  const double peak_rss_mb = bench::PeakRssMb();
  // The bare loop keeps about as many events queued as the run: a few per viewer.
  bench::BareSchedulerLoop bare(run.simulator_events, spec.viewers * 2);
  const std::clock_t bare_cpu_started = std::clock();
  const double bare_s = bare.Run();
  const double bare_cpu_s = static_cast<double>(std::clock() - bare_cpu_started) / CLOCKS_PER_SEC;

  nlohmann::ordered_json out;
  out["bench"] = "streaming_scale";
  out["fidelity"] = "flow";
  out["viewers"] = spec.viewers;
  out["edges"] = spec.edges;
  out["simulated_s"] = spec.duration_s;
  out["segment_s"] = spec.segment_s;
  out["viewers_started"] = started;
  out["stalls"] = stalls;
  out["run_s"] = run_s;
  out["requests"] = requests;
  out["requests_edge"] = edge_requests;
  out["requests_mid"] = mid_requests;
  out["requests_ingest"] = ingest_requests;
  const std::uint64_t segment_requests = edge_segment_requests + mid_segment_requests + ingest_segment_requests;
  out["segment_requests"] = segment_requests;
  out["playlist_requests"] = requests - segment_requests;
  out["run_cpu_s"] = run_cpu_s;
  out["requests_per_s"] = static_cast<double>(requests) / run_s;
  // Per core: the run is single-threaded, so its CPU seconds are one core's.
  out["requests_per_cpu_s"] = static_cast<double>(requests) / run_cpu_s;
  out["segment_requests_per_cpu_s"] = static_cast<double>(segment_requests) / run_cpu_s;
  out["playlist_requests_per_cpu_s"] = static_cast<double>(requests - segment_requests) / run_cpu_s;
  out["events"] = run.simulator_events;
  out["events_per_request"] = requests ? static_cast<double>(run.simulator_events) / static_cast<double>(requests) : 0;
  out["events_per_s"] = static_cast<double>(run.simulator_events) / run_s;
  out["bare_scheduler_events"] = bare.Executed();
  out["bare_scheduler_s"] = bare_s;
  out["bare_scheduler_cpu_s"] = bare_cpu_s;
  out["bare_scheduler_events_per_s"] = static_cast<double>(bare.Executed()) / bare_s;
  out["ratio_run_to_bare_scheduler"] = run_s / bare_s;
  out["ratio_run_to_bare_scheduler_cpu"] = run_cpu_s / bare_cpu_s;
  // The ceiling of this design: requests per CPU second if the models cost nothing and only the
  // scheduler ran this run's events per request.
  out["bare_scheduler_cap_requests_per_cpu_s"] =
      requests && bare_cpu_s > 0 ? static_cast<double>(bare.Executed()) / bare_cpu_s /
                                       (static_cast<double>(run.simulator_events) / static_cast<double>(requests))
                                 : 0;
  out["peak_rss_mb"] = peak_rss_mb;
  std::cout << out.dump(2) << '\n';
  return started == run.viewers.size() ? 0 : 1;
}
