// The controller's recompute shares each group's cell reads between its own row and the
// resolver and default rows (GroupedTargetSums) and ranks only the published positions; the
// rows it publishes must be exactly those of the plain full ranking of every row on its own.
#include <gtest/gtest.h>

#include "models/core/seeded_random_source.h"
#include "models/ports/metrics_sink.h"
#include "models/routing/mapping_controller.h"
#include "models/routing/measured_policy.h"
#include "models/routing/measurement_store.h"
#include "tests/support/manual_runtime.h"

namespace cdnlab {
namespace {

using std::chrono::seconds;

class NullSink final : public ResolverConfigSink {
 public:
  void Apply(const MappingDiff&) override {}
};

RoutingCatalog Catalog(std::size_t groups, std::size_t pops, std::size_t resolvers) {
  RoutingCatalog c;
  for (std::size_t p = 0; p < pops; ++p) c.pops.push_back(PopInfo{"pop" + std::to_string(p), {}, {}, 1e6});
  for (std::size_t r = 0; r < resolvers; ++r) {
    ResolverInfo info;
    info.id = "res" + std::to_string(r);
    info.address = Ipv4Address{static_cast<std::uint32_t>((172u << 24) | r)};
    c.resolvers.push_back(info);
  }
  for (std::size_t g = 0; g < groups; ++g) {
    ClientGroupInfo info;
    info.id = "g" + std::to_string(g);
    info.prefix = Ipv4Prefix{Ipv4Address{static_cast<std::uint32_t>((10u << 24) + (g << 8))}, 24};
    info.representative = info.prefix.Host(1);
    info.population = 1 + static_cast<double>((g * 37) % 101);
    info.resolver = (g * 5) % resolvers;  // resolvers' groups interleave
    c.groups.push_back(info);
  }
  return c;
}

// Random cells: some never measured, some stale, some without an RTT (every probe lost).
void Measure(MeasurementStore& store, SeededRandomSource& random, SimTime now, std::size_t samples) {
  for (std::size_t i = 0; i < samples; ++i) {
    const GroupIndex g = random.UniformIndex(store.Groups());
    const PopIndex p = random.UniformIndex(store.Pops());
    const SimTime at = now - seconds(static_cast<int>(random.UniformIndex(90)));
    const bool lost = random.Uniform01() < 0.05;
    store.AddSample(g, p, at, lost ? std::nullopt : std::optional<double>(random.Uniform(5, 60)),
                    lost ? 1.0 : random.Uniform(0, 0.02));
  }
}

TEST(MeasuredPolicySharedReads, PublishesWhatRankingEachRowAloneWould) {
  const std::size_t groups = 300, pops = 12, ranked = 3;
  const RoutingCatalog catalog = Catalog(groups, pops, 7);
  MeasurementStore store(groups, pops, {0.5, seconds(60)});
  SeededRandomSource random(7);
  testing::ManualRuntime runtime;  // the controller's timer is never started: each recompute is by hand
  NullSink sink;
  NullMetricsSink metrics;
  MeasuredPolicy shared(store, {500, 0.10, 5});
  MappingController controller(BuildMappingTargets(catalog), shared, sink, runtime, runtime, metrics,
                               MappingControllerConfig{seconds(10), ranked});
  for (int round = 0; round < 6; ++round) {
    runtime.RunUntil(SimTime(seconds(100 + 30 * round)));
    Measure(store, random, runtime.Now(), groups * pops / 3);
    // The reference: a fresh policy ranking every row fully, on its own, against what was published.
    MeasuredPolicy alone(store, {500, 0.10, 5});
    std::vector<std::vector<PopIndex>> expected;
    for (std::size_t i = 0; i < controller.Targets().size(); ++i) {
      const MappingTarget& target = controller.Targets()[i];
      const MappingEntry* row = controller.Table().Find(target.prefix);
      const std::vector<PopIndex> previous = row ? row->ranked_pops : std::vector<PopIndex>{};
      std::vector<PopIndex> ranking = alone.Rank(i, target, runtime.Now(), previous);
      if (ranking.empty()) ranking = previous;
      if (ranking.size() > ranked) ranking.resize(ranked);
      expected.push_back(ranking);
    }
    controller.RecomputeNow();
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const MappingEntry* row = controller.Table().Find(controller.Targets()[i].prefix);
      const std::vector<PopIndex> published = row ? row->ranked_pops : std::vector<PopIndex>{};
      ASSERT_EQ(published, expected[i]) << "round " << round << ", row " << i;
    }
  }
}

}  // namespace
}  // namespace cdnlab
