#include "realnet/routing/controller_core.h"

#include <optional>
#include <stdexcept>
#include <string>

#include "models/routing/geo_policy.h"
#include "models/routing/mapping_target.h"
#include "models/routing/measured_policy.h"
#include "models/routing/random_policy.h"
#include "realnet/routing/catalog.h"
#include "scenarios/core/measured_policy_configs.h"

namespace cdnlab {
namespace {

std::unique_ptr<SelectionPolicy> MakePolicy(const PolicySpec& policy, const RoutingCatalog& catalog,
                                            MeasurementStore& store, RandomSource& random) {
  // probe (`measured` in older scenarios), rum and hybrid rank the one store: probe reports and
  // beacons (a RumCollectorService given the store) feed it, as in the simulator.
  if (policy.IsMeasured()) return std::make_unique<MeasuredPolicy>(store, MeasuredPolicyConfigFor(policy));
  if (policy.name == "geo") return std::make_unique<GeoPolicy>(catalog);
  if (policy.name == "random") return std::make_unique<RandomPolicy>(catalog, random);
  throw std::invalid_argument("policy '" + policy.name +
                              "' cannot run on a real network (the oracle needs the simulator's ground truth)");
}

}  // namespace

ControllerCore::ControllerCore(const Scenario& s, const PolicySpec& spec, ProbeReportVerifierConfig report_checks,
                               ResolverConfigSink& sink, AsioClock& clock, MetricsSink& metrics)
    : catalog(RealnetCatalog(s)),
      verifier(catalog, std::move(report_checks)),
      store(catalog.groups.size(), catalog.pops.size(), MeasurementStoreConfigFor(spec)),
      random(s.seed, /*stream=*/3),
      policy(MakePolicy(spec, catalog, store, random)),
      controller(std::make_unique<MappingController>(
          BuildMappingTargets(catalog), *policy, sink, clock, clock, metrics,
          MappingControllerConfig{FromSeconds(s.mapping.recompute_interval_s),
                                  static_cast<std::size_t>(s.mapping.ranked_pops)})) {}

void ControllerCore::SetPopKeys(FederationIdentity pop_keys) {
  verifier.SetPopKeys(std::move(pop_keys));
  std::vector<bool> out(catalog.pops.size());
  for (PopIndex p = 0; p < catalog.pops.size(); ++p) out[p] = !verifier.MayReport(catalog.pops[p].id);
  withdrawn.Set(out);
  if (!withdrawn_added && withdrawn.Any()) {
    controller->AddAdjuster(withdrawn);  // only from the first withdrawal: nothing changes before
    withdrawn_added = true;
  }
}

void ControllerCore::Restore(const ControllerState& state) {
  for (const auto& cell : state.cells) store.Restore(cell.group, cell.pop, cell.saved);
  for (const auto& [pop, sequence] : state.report_sequences) verifier.RestoreLastSequence(pop, sequence);
  controller->Restore(state.rows, state.mapping_version);
}

ControllerState ControllerCore::CarryOverTo(const RoutingCatalog& to, SimTime /*now*/) const {
  ControllerState state;
  const MappingTable& table = controller->Table();
  state.mapping_version = table.Version();
  table.ForEachRow([&](const MappingEntry& row) {
    MappingEntry kept{row.prefix, {}};
    for (PopIndex p : row.ranked_pops) {
      if (const auto q = to.PopById(catalog.pops[p].id)) {
        kept.ranked_pops.push_back(*q);
      } else {
        ++state.dropped;
      }
    }
    if (!kept.ranked_pops.empty()) state.rows.push_back(std::move(kept));
  });
  for (GroupIndex g = 0; g < store.Groups(); ++g) {
    const auto h = to.GroupById(catalog.groups[g].id);
    for (PopIndex p = 0; p < store.Pops(); ++p) {
      const auto cell = store.Saved(g, p);
      if (!cell) continue;
      const auto q = to.PopById(catalog.pops[p].id);
      if (h && q) {
        state.cells.push_back({*h, *q, *cell});
      } else {
        ++state.dropped;
      }
    }
  }
  for (PopIndex p = 0; p < catalog.pops.size(); ++p) {
    const auto sequence = verifier.LastSequence(p);
    if (!sequence) continue;
    if (const auto q = to.PopById(catalog.pops[p].id)) {
      state.report_sequences.emplace_back(*q, *sequence);
    } else {
      ++state.dropped;
    }
  }
  return state;
}

}  // namespace cdnlab
