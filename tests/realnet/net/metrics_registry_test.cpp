#include "realnet/net/metrics_registry.h"

#include <gtest/gtest.h>

namespace cdnlab {
namespace {

// How many times `needle` occurs in `text`.
int Occurrences(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(MetricsRegistry, CountsBecomeCountersWithTotalSuffix) {
  MetricsRegistry r;
  r.Count("probe.trains", 2);
  r.Count("probe.trains", 3);
  r.Count("rum.beacons", 1, {{"verdict", "accepted"}});
  r.Count("rum.beacons", 4, {{"verdict", "stale"}});
  const std::string text = r.Scrape();
  EXPECT_NE(text.find("# TYPE cdnlab_probe_trains_total counter\ncdnlab_probe_trains_total 5\n"), std::string::npos)
      << text;
  EXPECT_EQ(Occurrences(text, "# TYPE cdnlab_rum_beacons_total counter"), 1) << text;
  EXPECT_NE(text.find("cdnlab_rum_beacons_total{verdict=\"accepted\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("cdnlab_rum_beacons_total{verdict=\"stale\"} 4\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, MillisecondSamplesBecomeSecondsSummariesAndLastGauges) {
  MetricsRegistry r;
  r.Sample("probe.rtt_ms", SimTime{0}, 10, {{"pop", "a"}});
  r.Sample("probe.rtt_ms", SimTime{0}, 30, {{"pop", "a"}});
  const std::string text = r.Scrape();
  EXPECT_NE(text.find("# TYPE cdnlab_probe_rtt_seconds summary\n"), std::string::npos) << text;
  EXPECT_NE(text.find("cdnlab_probe_rtt_seconds_sum{pop=\"a\"} 0.04\n"), std::string::npos) << text;
  EXPECT_NE(text.find("cdnlab_probe_rtt_seconds_count{pop=\"a\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE cdnlab_probe_rtt_seconds_last gauge\ncdnlab_probe_rtt_seconds_last{pop=\"a\"} 0.03\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("_ms"), std::string::npos) << text;
}

TEST(MetricsRegistry, PerRequestLabelsAreDroppedSoSeriesStayFew) {
  MetricsRegistry r;
  r.Sample("federation.command_finished_ms", SimTime{0}, 5, {{"command", "cdn-b/1"}, {"status", "complete"}});
  r.Sample("federation.command_finished_ms", SimTime{0}, 7, {{"command", "cdn-b/2"}, {"status", "complete"}});
  const std::string text = r.Scrape();
  EXPECT_EQ(text.find("cdn-b/"), std::string::npos) << text;
  EXPECT_NE(text.find("cdnlab_federation_command_finished_seconds_count{status=\"complete\"} 2\n"), std::string::npos)
      << text;
}

TEST(MetricsRegistry, CollectorsAddScrapeTimeValuesAndShareFamilies) {
  MetricsRegistry r;
  double version = 1;
  r.AddGauge("cdnlab_mapping_version", "version", [&] { return version; });
  r.AddCollector([](MetricsCollection& out) { out.Counter("cdnlab_http_requests", "requests", 3, {{"server", "vip"}}); });
  r.AddCollector([](MetricsCollection& out) {
    out.Counter("cdnlab_http_requests_total", "requests", 4, {{"server", "admin"}});
  });
  version = 9;
  const std::string text = r.Scrape();
  EXPECT_NE(text.find("cdnlab_mapping_version 9\n"), std::string::npos) << text;
  EXPECT_EQ(Occurrences(text, "# TYPE cdnlab_http_requests_total counter"), 1) << text;
  EXPECT_EQ(Occurrences(text, "# HELP cdnlab_http_requests_total"), 1) << text;
  EXPECT_NE(text.find("cdnlab_http_requests_total{server=\"vip\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("cdnlab_http_requests_total{server=\"admin\"} 4\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, DeclaredFamiliesAreListedBeforeTheirFirstSample) {
  MetricsRegistry r;
  r.AddCollector([](MetricsCollection& out) {
    out.Declare("cdnlab_dns_queries_total", PrometheusType::kCounter, "responses");
  });
  EXPECT_EQ(r.Scrape(), "# HELP cdnlab_dns_queries_total responses\n# TYPE cdnlab_dns_queries_total counter\n");
}

TEST(MetricsRegistry, EmptyRegistryScrapesToNothing) { EXPECT_EQ(MetricsRegistry().Scrape(), ""); }

}  // namespace
}  // namespace cdnlab
