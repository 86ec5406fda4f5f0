// RFC 2136 + TSIG against a real Knot DNS on loopback: a change of the mapping's default row
// becomes a signed update of the plain record, and kdig sees it; other rows send nothing; a
// wrong key is refused and changes nothing.
#include "realnet/dns/update_publisher.h"

#include <gtest/gtest.h>

#include "models/routing/mapping_table.h"
#include "tests/support/knot_server.h"
#include "tests/support/recording_metrics_sink.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using testing::Addr;

const char* kSecret = "Wm9tZSB0ZXN0IGtleSBmb3IgY2RubGFiIHVwZGF0ZXMh";  // base64 test key
const char* kWrongSecret = "QW5vdGhlciBrZXkgdGhhdCBLbm90IGRvZXMgbm90IGtub3c=";

class DnsUpdatePublisherTest : public ::testing::Test {
 protected:
  DnsUpdatePublisherTest() : catalog_(testing::ThreePopCatalog()), knot_("example.net", "cdnlab-key", kSecret, "cdn IN A 192.0.2.1") {}

  DnsUpdateTarget Target(const std::string& secret) {
    DnsUpdateTarget t;
    t.server = Endpoint{Addr(127, 0, 0, 1), knot_.Port()};
    t.zone = "example.net";
    t.hostname = "cdn.example.net";
    t.key_name = "cdnlab-key";
    t.key_secret = secret;
    t.ttl = std::chrono::seconds(20);
    return t;
  }
  std::string Short(const std::string& name) { return knot_.Kdig(name + " A +short").output; }

  RoutingCatalog catalog_;
  testing::KnotServer knot_;
  testing::RecordingMetricsSink metrics_;
};

TEST_F(DnsUpdatePublisherTest, DefaultRowChangesReachTheServer) {
  ASSERT_NE(Short("cdn.example.net").find("192.0.2.1"), std::string::npos);
  DnsUpdatePublisher publisher(catalog_, Target(kSecret), metrics_);
  MappingTable table;
  publisher.Apply(table.Replace({{Ipv4Prefix{Ipv4Address{0}, 0}, {1, 0}},                // default -> lon
                                 {Ipv4Prefix{Addr(10, 1, 0, 0), 24}, {0, 1}}}));         // boston -> nyc
  ASSERT_EQ(publisher.UpdatesFailed(), 0u) << publisher.LastError();
  const std::string host = Short("cdn.example.net");
  EXPECT_NE(host.find("100.64.1.1"), std::string::npos) << host;  // both London servers
  EXPECT_NE(host.find("100.64.1.5"), std::string::npos) << host;
  EXPECT_EQ(host.find("192.0.2.1"), std::string::npos) << "the old record is replaced" << host;
  EXPECT_EQ(Short("10-1-0-0-24.map.example.net"), "") << "per-prefix names are retired";

  // A version that only moves the Boston row changes nothing a plain zone can express: no update.
  publisher.Apply(table.Replace({{Ipv4Prefix{Ipv4Address{0}, 0}, {1, 0}}, {Ipv4Prefix{Addr(10, 1, 0, 0), 24}, {2}}}));
  EXPECT_EQ(publisher.UpdatesAccepted(), 1u);

  // The next version moves the default row to Tokyo.
  publisher.Apply(table.Replace({{Ipv4Prefix{Ipv4Address{0}, 0}, {2}}}));
  ASSERT_EQ(publisher.UpdatesAccepted(), 2u) << publisher.LastError();
  EXPECT_NE(Short("cdn.example.net").find("100.64.2.1"), std::string::npos);
  EXPECT_EQ(metrics_.Counter("dns.rfc2136_updates"), 2);
}

TEST_F(DnsUpdatePublisherTest, AWrongKeyIsRefusedAndChangesNothing) {
  DnsUpdatePublisher publisher(catalog_, Target(kWrongSecret), metrics_);
  MappingTable table;
  publisher.Apply(table.Replace({{Ipv4Prefix{Ipv4Address{0}, 0}, {2}}}));
  EXPECT_EQ(publisher.UpdatesAccepted(), 0u);
  EXPECT_EQ(publisher.UpdatesFailed(), 1u);
  EXPECT_FALSE(publisher.LastError().empty());
  EXPECT_EQ(metrics_.Counter("dns.rfc2136_failures"), 1);
  EXPECT_NE(Short("cdn.example.net").find("192.0.2.1"), std::string::npos) << "unchanged";
}

TEST_F(DnsUpdatePublisherTest, AnUnreachableServerIsAFailureNotAHang) {
  DnsUpdateTarget t = Target(kSecret);
  t.server.port = 1;  // nothing listens there
  t.timeout = std::chrono::seconds(1);
  DnsUpdatePublisher publisher(catalog_, t, metrics_);
  MappingTable table;
  publisher.Apply(table.Replace({{Ipv4Prefix{Ipv4Address{0}, 0}, {2}}}));
  EXPECT_EQ(publisher.UpdatesFailed(), 1u);
}

}  // namespace
}  // namespace cdnlab
