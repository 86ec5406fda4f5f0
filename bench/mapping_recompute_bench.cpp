// Mapping recomputation at scale: the measured policy ranking every row (one per client
// group, one per resolver, the default row) of G groups x P PoPs, timed against a plain
// memory-bandwidth pass over the same G x P matrix of doubles in the same process.
// Prints one JSON object. Usage: cdnlab_mapping_recompute_bench [groups=100000] [pops=200] [reps=3]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/core/seeded_random_source.h"
#include "models/ports/metrics_sink.h"
#include "models/routing/mapping_controller.h"
#include "models/routing/measured_policy.h"
#include "models/routing/measurement_store.h"

namespace {

using namespace cdnlab;
using WallClock = std::chrono::steady_clock;

class FixedClock final : public cdnlab::Clock {
 public:
  SimTime Now() const override { return now; }
  SimTime now{0};
};

// The controller's periodic timer is never started here; each RecomputeNow() is called by hand.
class NoTimers final : public TimerScheduler {
 public:
  TimerId ScheduleAfter(Duration, std::function<void()>) override { return 0; }
  void Cancel(TimerId) override {}
};

class CountingSink final : public ResolverConfigSink {
 public:
  void Apply(const MappingDiff& diff) override { rows += diff.upserts.size() + diff.removals.size(); }
  std::uint64_t rows = 0;
};

RoutingCatalog MakeCatalog(std::size_t groups, std::size_t pops, std::size_t resolvers) {
  RoutingCatalog c;
  for (std::size_t p = 0; p < pops; ++p) c.pops.push_back(PopInfo{"pop" + std::to_string(p), {}, {}, 1e6});
  for (std::size_t r = 0; r < resolvers; ++r) {
    ResolverInfo info;
    info.id = "res" + std::to_string(r);
    info.address = Ipv4Address{static_cast<std::uint32_t>((172u << 24) | r)};
    info.sends_client_subnet = true;
    c.resolvers.push_back(info);
  }
  for (std::size_t g = 0; g < groups; ++g) {
    ClientGroupInfo info;
    info.id = "g" + std::to_string(g);
    info.prefix = Ipv4Prefix{Ipv4Address{static_cast<std::uint32_t>((10u << 24) + (g << 8))}, 24};
    info.representative = info.prefix.Host(1);
    info.population = 1000 + static_cast<double>(g % 977);
    info.resolver = g % resolvers;
    c.groups.push_back(info);
  }
  return c;
}

double Seconds(WallClock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  const std::size_t groups = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  const std::size_t pops = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 200;
  const int reps = argc > 3 ? std::atoi(argv[3]) : 3;
  if (groups == 0 || pops == 0 || reps <= 0) {
    std::cerr << "usage: cdnlab_mapping_recompute_bench [groups>0] [pops>0] [reps>0]\n";
    return 2;
  }
  const std::size_t resolvers = std::max<std::size_t>(4, groups / 2000);
  const RoutingCatalog catalog = MakeCatalog(groups, pops, resolvers);

  // Every cell measured (the worst case for a recompute: nothing is skipped as stale).
  FixedClock clock;
  MeasurementStore store(groups, pops, MeasurementStoreConfig{0.3, std::chrono::seconds(600)});
  SeededRandomSource random(1);
  for (GroupIndex g = 0; g < groups; ++g) {
    for (PopIndex p = 0; p < pops; ++p) store.AddSample(g, p, SimTime{0}, random.Uniform(5, 300), 0);
  }
  MeasuredPolicy policy(store);
  NoTimers timers;
  CountingSink sink;
  NullMetricsSink metrics;
  MappingController controller(BuildMappingTargets(catalog), policy, sink, clock, timers, metrics,
                               MappingControllerConfig{std::chrono::seconds(10), 3});

  // Recompute: the first publishes every row; later ones follow 1% of cells moving.
  std::vector<double> recompute_s;
  for (int r = 0; r <= reps; ++r) {
    if (r > 0) {
      for (std::size_t i = 0; i < groups * pops / 100; ++i) {
        store.AddSample(random.UniformIndex(groups), random.UniformIndex(pops), SimTime{0}, random.Uniform(5, 300), 0);
      }
    }
    const auto started = WallClock::now();
    controller.RecomputeNow();
    recompute_s.push_back(Seconds(WallClock::now() - started));
  }
  const double first_publish_s = recompute_s.front();
  recompute_s.erase(recompute_s.begin());
  std::sort(recompute_s.begin(), recompute_s.end());
  const double recompute_median_s = recompute_s[recompute_s.size() / 2];

  // Baseline: one streaming read of a G x P matrix of doubles (what any recompute must at
  // least touch once), best of reps so the page faults of the first touch are not counted.
  std::vector<double> matrix(groups * pops);
  for (std::size_t i = 0; i < matrix.size(); ++i) matrix[i] = static_cast<double>(i % 1000);
  double best_pass_s = 1e9, checksum = 0;
  for (int r = 0; r < std::max(reps, 3); ++r) {
    const auto started = WallClock::now();
    double sum = 0;
    for (const double v : matrix) sum += v;
    best_pass_s = std::min(best_pass_s, Seconds(WallClock::now() - started));
    checksum += sum;
  }
  const double bytes = static_cast<double>(matrix.size() * sizeof(double));

  nlohmann::ordered_json out;
  out["bench"] = "mapping_recompute";
  out["groups"] = groups;
  out["pops"] = pops;
  out["resolvers"] = resolvers;
  out["rows"] = controller.Targets().size();
  out["first_publish_s"] = first_publish_s;
  out["recompute_median_s"] = recompute_median_s;
  out["rows_changed_total"] = sink.rows;
  out["matrix_pass_s"] = best_pass_s;
  out["matrix_pass_gb_per_s"] = bytes / best_pass_s / 1e9;
  out["ratio_recompute_to_matrix_pass"] = recompute_median_s / best_pass_s;
  out["checksum"] = checksum;  // keeps the pass from being optimised away
  std::cout << out.dump(2) << '\n';
  return 0;
}
