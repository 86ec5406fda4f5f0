#include "scenarios/routing/policy_section_reader.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>

namespace cdnlab {
namespace {

// Name as written -> kind; `measured` is the pre-issue-6 name of probe.
const std::map<std::string, PolicyKind>& KnownNames() {
  static const std::map<std::string, PolicyKind> names{
      {"probe", PolicyKind::kProbe},     {"measured", PolicyKind::kProbe}, {"rum", PolicyKind::kRum},
      {"hybrid", PolicyKind::kHybrid},   {"anycast", PolicyKind::kAnycast}, {"geo", PolicyKind::kGeo},
      {"random", PolicyKind::kRandom},   {"oracle", PolicyKind::kOracle},
      {"geo-blind", PolicyKind::kGeo},   {"anycast-blind", PolicyKind::kAnycast}};
  return names;
}

// The options and the kinds they apply to. Options shared by every kind work on the published
// table (TTL, dwell, spill), so they mean something for baselines too; anycast does not go
// through the resolver at all, so map_by is meaningless there.
struct OptionScope {
  std::set<PolicyKind> kinds;
  std::string described;  // for messages
};

const std::map<std::string, OptionScope>& Options() {
  using K = PolicyKind;
  static const std::set<K> all{K::kProbe, K::kRum, K::kHybrid, K::kAnycast, K::kGeo, K::kRandom, K::kOracle};
  static const std::set<K> measured{K::kProbe, K::kRum, K::kHybrid};
  static const std::map<std::string, OptionScope> options{
      {"name", {all, "every policy"}},
      {"label", {all, "every policy"}},
      {"dns_ttl_s", {all, "every policy"}},
      {"min_dwell_s", {all, "every policy"}},
      {"capacity_spill", {all, "every policy"}},
      {"map_by", {{K::kProbe, K::kRum, K::kHybrid, K::kGeo, K::kRandom, K::kOracle}, "every policy but anycast"}},
      {"scope_aggregation", {all, "every policy"}},
      {"ewma_alpha", {measured, "probe, rum, hybrid"}},
      {"max_age_s", {measured, "probe, rum, hybrid"}},
      {"loss_penalty_ms", {measured, "probe, rum, hybrid"}},
      {"hysteresis_ratio", {measured, "probe, rum, hybrid"}},
      {"hysteresis_ms", {measured, "probe, rum, hybrid"}},
      {"probe_candidates", {{K::kProbe, K::kHybrid}, "probe, hybrid"}},
      {"page_views_per_group_per_min", {{K::kRum, K::kHybrid}, "rum, hybrid"}},
      {"rum_candidates", {{K::kRum, K::kHybrid}, "rum, hybrid"}},
      {"test_object_bytes", {{K::kRum, K::kHybrid}, "rum, hybrid"}},
      {"health_check_interval_s", {{K::kGeo}, "geo"}},
      {"bgp_convergence_s", {{K::kAnycast}, "anycast"}}};
  return options;
}

std::set<std::string> AllOptionKeys() {
  std::set<std::string> keys;
  for (const auto& entry : Options()) keys.insert(entry.first);
  return keys;
}

// Labels become JSON keys, CSV cells and table cells: keep them plain.
bool ValidLabel(const std::string& label) {
  return label.size() <= 32 && std::all_of(label.begin(), label.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '_' || c == '.';
         });
}

class PolicyReader {
 public:
  PolicyReader(IssueLog& log, FieldMarks& marks) : log_(log), marks_(marks) {}

  void Read(const YAML::Node& item, const std::string& path, std::vector<PolicySpec>& out) {
    MapReader m(item, path, log_, AllOptionKeys());
    if (!m.Valid()) return;
    PolicySpec p;
    const auto name = m.String("name", true);
    if (!name) return;
    const auto known = KnownNames().find(*name);
    if (known == KnownNames().end()) {
      m.Error("name", fmt::format("unknown policy '{}'; expected one of: anycast, anycast-blind, geo, geo-blind, "
                                  "hybrid, measured (= probe), oracle, probe, random, rum", *name));
      return;
    }
    p.name = *name;
    p.kind = known->second;
    p.failure_blind = name->size() > 6 && name->compare(name->size() - 6, 6, "-blind") == 0;
    if (p.kind == PolicyKind::kHybrid) p.probe_candidates = 2;
    if (!OptionsApply(m, p)) return;
    ReadFailureHandling(m, p);
    ReadLabel(m, path, p);
    ReadCommon(m, p);
    ReadMeasured(m, p);
    ReadBudgets(m, path, p);
    out.push_back(p);
  }

 private:
  bool OptionsApply(MapReader& m, const PolicySpec& p) {
    bool ok = true;
    for (const auto& [key, scope] : Options()) {
      if (m.Has(key) && scope.kinds.count(p.kind) == 0) {
        m.Error(key, fmt::format("'{}' does not apply to policy '{}' (it applies to {})", key, p.name,
                                 scope.described));
        ok = false;
      }
    }
    return ok;
  }

  void ReadLabel(MapReader& m, const std::string& path, PolicySpec& p) {
    p.label = p.name;
    if (auto v = m.String("label", false)) {
      if (!ValidLabel(*v)) {
        m.Error("label", fmt::format("expected up to 32 letters, digits, '-', '_' or '.', got '{}'", *v));
        return;
      }
      p.label = *v;
    }
    const std::string where = m.Has("label") ? "label" : "name";
    auto [it, added] = labels_.emplace(p.label, path);
    if (!added) {
      m.Error(where, fmt::format("label '{}' is already used by {}; give one of them a distinct 'label'", p.label,
                                 it->second));
    }
    marks_.Remember(path + ".label", m.MarkOf(where));
  }

  void ReadCommon(MapReader& m, PolicySpec& p) {
    if (auto v = m.String("map_by", false)) {
      if (*v == "client_subnet") {
        p.map_by = MapBy::kClientSubnet;
      } else if (*v == "resolver") {
        p.map_by = MapBy::kResolver;
      } else {
        m.Error("map_by", fmt::format("unknown map_by '{}'; expected client_subnet or resolver", *v));
      }
    }
    if (auto v = m.Bool("scope_aggregation", false)) {
      p.scope_aggregation = *v;
      // By resolver every answer has scope 0 already: there is nothing to aggregate.
      if (p.map_by == MapBy::kResolver) {
        m.Error("scope_aggregation", "'scope_aggregation' needs map_by: client_subnet (mapping by resolver answers "
                                     "with scope 0)");
      }
    }
    if (m.Has("dns_ttl_s")) p.dns_ttl_s = m.Number("dns_ttl_s", false, Range::PositiveSeconds());
    if (auto v = m.Number("min_dwell_s", false, Range::Seconds())) p.min_dwell_s = *v;
    if (auto v = m.Bool("capacity_spill", false)) p.capacity_spill = *v;
  }

  void ReadMeasured(MapReader& m, PolicySpec& p) {
    if (auto v = m.Number("ewma_alpha", false, {[](double x) { return x > 0 && x <= 1; }, "a weight in (0, 1]"})) {
      p.ewma_alpha = *v;
    }
    if (auto v = m.Number("max_age_s", false, Range::PositiveSeconds())) p.max_age_s = *v;
    if (auto v = m.Number("loss_penalty_ms", false, Range::Millis())) p.loss_penalty_ms = *v;
    if (auto v = m.Number("hysteresis_ratio", false, {[](double x) { return x >= 0 && x < 1; }, "a ratio in [0, 1)"})) {
      p.hysteresis_ratio = *v;
    }
    if (auto v = m.Number("hysteresis_ms", false, Range::Millis())) p.hysteresis_ms = *v;
  }

  // Blind variants have no health checker or route withdrawal to tune.
  void ReadFailureHandling(MapReader& m, PolicySpec& p) {
    for (const char* key : {"health_check_interval_s", "bgp_convergence_s"}) {
      if (p.failure_blind && m.Has(key)) {
        m.Error(key, fmt::format("'{}' does not apply to policy '{}' (a blind baseline never learns of failures)",
                                 key, p.name));
      }
    }
    if (auto v = m.Number("health_check_interval_s", false, Range::Positive())) p.health_check_interval_s = *v;
    if (auto v = m.Number("bgp_convergence_s", false, Range::NonNegative())) p.bgp_convergence_s = *v;
  }

  // Written budgets are checked against the PoP count later (CheckScenario), through these marks.
  void ReadBudgets(MapReader& m, const std::string& path, PolicySpec& p) {
    if (auto v = m.Integer("probe_candidates", false, 0, 64)) p.probe_candidates = static_cast<int>(*v);
    if (auto v = m.Number("page_views_per_group_per_min", false, Range::PositivePerMinute())) {
      p.page_views_per_group_per_min = *v;
    }
    // A beacon carries at most BeaconDecodeLimits::max_timings (8) timings; more would be refused.
    if (auto v = m.Integer("rum_candidates", false, 1, 8)) p.rum_candidates = static_cast<int>(*v);
    if (auto v = m.Integer("test_object_bytes", false, 1, 1LL << 30)) {
      p.test_object_bytes = static_cast<std::uint64_t>(*v);
    }
    // Only options actually written: a default budget is bounded silently by the PoP count.
    for (const std::string key : {"probe_candidates", "rum_candidates", "capacity_spill"}) {
      if (m.Has(key)) marks_.Remember(path + "." + key, m.MarkOf(key));
    }
  }

  IssueLog& log_;
  FieldMarks& marks_;
  std::map<std::string, std::string> labels_;  // label -> policies[i] that took it
};

}  // namespace

void ReadPolicySection(MapReader& top, bool required, std::vector<PolicySpec>& out, IssueLog& log, FieldMarks& marks) {
  PolicyReader reader(log, marks);
  const auto items = top.Sequence("policies", required, required);
  for (std::size_t i = 0; i < items.size(); ++i) reader.Read(items[i], fmt::format("policies[{}]", i), out);
}

std::string PolicyKindName(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::kProbe: return "probe";
    case PolicyKind::kRum: return "rum";
    case PolicyKind::kHybrid: return "hybrid";
    case PolicyKind::kAnycast: return "anycast";
    case PolicyKind::kGeo: return "geo";
    case PolicyKind::kRandom: return "random";
    case PolicyKind::kOracle: return "oracle";
  }
  return "?";
}

std::string MapByName(MapBy map_by) { return map_by == MapBy::kResolver ? "resolver" : "client_subnet"; }

}  // namespace cdnlab
