#include "analysis/resolver_mapping_comparison.h"

#include <cmath>

#include <gtest/gtest.h>

#include "analysis/routing_table.h"
#include "analysis/summary_json.h"

namespace cdnlab {
namespace {

RoutingPolicySummary Summary(const std::string& label, const std::string& kind, const std::string& map_by, double rate) {
  RoutingPolicySummary s;
  s.policy = label;
  s.kind = kind;
  s.map_by = map_by;
  s.dns_queries_per_min = rate;
  return s;
}

TEST(CompareEcsWithResolverMapping, EachEcsRunIsComparedWithTheFirstByResolverRunOfItsKind) {
  std::vector<RoutingPolicySummary> runs{Summary("probe", "probe", "client_subnet", 9),
                                         Summary("probe-plain", "probe", "client_subnet", 15),
                                         Summary("probe-by-resolver", "probe", "resolver", 7.5),
                                         Summary("probe-by-resolver-2", "probe", "resolver", 1),
                                         Summary("geo", "geo", "client_subnet", 9),
                                         Summary("oracle", "oracle", "client_subnet", 3),
                                         Summary("oracle-by-resolver", "oracle", "resolver", 0),
                                         Summary("anycast", "anycast", "", 3)};
  runs[0].scope_aggregation = true;
  CompareEcsWithResolverMapping(runs);
  EXPECT_EQ(runs[0].resolver_mapped_policy, "probe-by-resolver");
  EXPECT_DOUBLE_EQ(runs[0].ecs_query_rate_over_resolver.value(), 1.2);
  EXPECT_DOUBLE_EQ(runs[1].ecs_query_rate_over_resolver.value(), 2);
  EXPECT_FALSE(runs[2].ecs_query_rate_over_resolver.has_value()) << "by resolver itself";
  EXPECT_FALSE(runs[4].ecs_query_rate_over_resolver.has_value()) << "no geo run by resolver";
  EXPECT_TRUE(std::isnan(runs[5].ecs_query_rate_over_resolver.value())) << "no queries by resolver: no ratio";
  EXPECT_FALSE(runs[7].ecs_query_rate_over_resolver.has_value());

  const auto j = RoutingSummaryJson(RunInfo{"demo", "demo.yaml", 7, 60}, runs)["routing"];
  EXPECT_EQ(j["probe"]["scope_aggregation"], true);
  EXPECT_FALSE(j["probe-plain"].contains("scope_aggregation")) << "written only when known";
  EXPECT_EQ(j["probe"]["ecs_query_rate_over_resolver"], 1.2);
  EXPECT_EQ(j["probe"]["resolver_mapped_policy"], "probe-by-resolver");
  EXPECT_TRUE(j["oracle"]["ecs_query_rate_over_resolver"].is_null());
  EXPECT_FALSE(j["geo"].contains("ecs_query_rate_over_resolver"));
  const std::string table = FormatRoutingTable(runs);
  EXPECT_NE(table.find("dnsq/m with ECS over mapping by resolver: probe 1.20x (probe-by-resolver), probe-plain "
                       "2.00x (probe-by-resolver)"),
            std::string::npos)
      << table;
}

}  // namespace
}  // namespace cdnlab
