#include "realnet/net/prometheus_text.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace cdnlab {
namespace {

TEST(PrometheusText, DottedNamesBecomePrefixedMetricNames) {
  EXPECT_EQ(PrometheusMetricName("probe.trains"), "cdnlab_probe_trains");
  EXPECT_EQ(PrometheusMetricName("dns.knot-geoip reloads"), "cdnlab_dns_knot_geoip_reloads");
  EXPECT_EQ(PrometheusMetricName("federation.server_ack_ms"), "cdnlab_federation_server_ack_ms");
}

TEST(PrometheusText, LabelNamesAreMadeValid) {
  EXPECT_EQ(PrometheusLabelName("pop"), "pop");
  EXPECT_EQ(PrometheusLabelName("client.group"), "client_group");
  EXPECT_EQ(PrometheusLabelName("9lives"), "_lives");
  EXPECT_EQ(PrometheusLabelName("__name__"), "label___name__");  // "__" is reserved
  EXPECT_EQ(PrometheusLabelName(""), "label_");
}

TEST(PrometheusText, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(EscapePrometheusLabelValue(R"(C:\dir "x")" "\nend"), R"(C:\\dir \"x\"\nend)");
  EXPECT_EQ(EscapePrometheusLabelValue("plain-é"), "plain-é");  // UTF-8 passes through
}

TEST(PrometheusText, HelpEscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(EscapePrometheusHelp("a \"b\" \\ c\nd"), "a \"b\" \\\\ c\\nd");
}

TEST(PrometheusText, ValuesAreWrittenAsPrometheusReadsThem) {
  EXPECT_EQ(FormatPrometheusValue(3), "3");
  EXPECT_EQ(FormatPrometheusValue(0.25), "0.25");
  EXPECT_EQ(FormatPrometheusValue(1e21), "1e+21");
  EXPECT_EQ(FormatPrometheusValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatPrometheusValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatPrometheusValue(std::nan("")), "NaN");
}

TEST(PrometheusText, EachFamilyHasOneHelpAndTypeLineBeforeItsSamples) {
  PrometheusFamily queries{"cdnlab_dns_queries_total", PrometheusType::kCounter, "DNS responses\nby rcode", {}};
  queries.samples.push_back({"", {{"rcode", "NOERROR"}, {"pop", "pop-a"}}, 7});
  queries.samples.push_back({"", {{"rcode", "REFUSED"}, {"pop", "a\"b"}}, 1});
  PrometheusFamily rtt{"cdnlab_probe_rtt_seconds", PrometheusType::kSummary, "RTT", {}};
  rtt.samples.push_back({"_sum", {}, 0.5});
  rtt.samples.push_back({"_count", {}, 2});
  PrometheusFamily version{"cdnlab_mapping_version", PrometheusType::kGauge, "version", {{"", {}, 4}}};
  EXPECT_EQ(WritePrometheusText({queries, rtt, version}),
            "# HELP cdnlab_dns_queries_total DNS responses\\nby rcode\n"
            "# TYPE cdnlab_dns_queries_total counter\n"
            "cdnlab_dns_queries_total{rcode=\"NOERROR\",pop=\"pop-a\"} 7\n"
            "cdnlab_dns_queries_total{rcode=\"REFUSED\",pop=\"a\\\"b\"} 1\n"
            "# HELP cdnlab_probe_rtt_seconds RTT\n"
            "# TYPE cdnlab_probe_rtt_seconds summary\n"
            "cdnlab_probe_rtt_seconds_sum 0.5\n"
            "cdnlab_probe_rtt_seconds_count 2\n"
            "# HELP cdnlab_mapping_version version\n"
            "# TYPE cdnlab_mapping_version gauge\n"
            "cdnlab_mapping_version 4\n");
}

TEST(PrometheusText, AFamilyWithoutSamplesIsOnlyItsHeader) {
  EXPECT_EQ(WritePrometheusText({{"cdnlab_x", PrometheusType::kGauge, "x", {}}}),
            "# HELP cdnlab_x x\n# TYPE cdnlab_x gauge\n");
}

}  // namespace
}  // namespace cdnlab
