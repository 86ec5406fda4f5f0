// The static mapping file of `cdnlab realnet dns`: every mistake is reported with the file,
// line, column and field, all of them in one pass; nothing is silently defaulted. A property
// check feeds it mangled versions of a valid file: each either loads or throws ScenarioError,
// never anything else.
#include "realnet/dns/static_mapping_config.h"

#include <random>

#include <gtest/gtest.h>

#include "scenarios/core/scenario_error.h"

namespace cdnlab {
namespace {

const char* const kValid = R"(zone: example.net
hostname: cdn.example.net
ttl_s: 30
pops:
  - {id: pop-a, servers: [192.0.2.10]}
  - {id: pop-b, servers: [198.51.100.20]}
mapping:
  - {prefix: 10.1.0.0/24, pops: [pop-a, pop-b]}
  - {prefix: 0.0.0.0/0, pops: [pop-a]}
name_servers:
  - {name: ns1.example.net, addresses: [192.0.2.53]}
soa: {rname: dns-admin.example.net, refresh_s: 7200, minimum_s: 60}
)";

std::string ErrorsOf(const std::string& yaml) {
  try {
    LoadStaticMappingText(yaml, "zone.yaml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

TEST(StaticMappingConfig, ReadsTheApex) {
  const StaticMappingConfig c = LoadStaticMappingText(kValid, "zone.yaml");
  ASSERT_EQ(c.dns.apex.name_servers.size(), 1u);
  EXPECT_EQ(c.dns.apex.name_servers[0].name, "ns1.example.net");
  EXPECT_EQ(c.dns.apex.name_servers[0].glue[0].ToString(), "192.0.2.53");
  EXPECT_EQ(c.dns.apex.rname, "dns-admin.example.net");
  EXPECT_EQ(c.dns.apex.refresh_s, 7200u);
  EXPECT_EQ(c.dns.apex.minimum_s, 60u);
  EXPECT_EQ(c.dns.apex.retry_s, 600u) << "unset timers keep their documented defaults";
}

TEST(StaticMappingConfig, RowsMayBeIPv6) {
  std::string text = kValid;
  text.replace(text.find("  - {prefix: 0.0.0.0/0"), 0, "  - {prefix: '2001:db8:1::/48', pops: [pop-b]}\n");
  const StaticMappingConfig c = LoadStaticMappingText(text, "zone.yaml");
  ASSERT_EQ(c.rows.size(), 3u);
  EXPECT_TRUE(c.rows[1].prefix.IsV6());
  EXPECT_EQ(c.rows[1].prefix.ToString(), "2001:db8:1::/48");
  std::string host_bits = text;
  host_bits.replace(host_bits.find("2001:db8:1::/48"), 15, "2001:db8:1::1/48");
  EXPECT_NE(ErrorsOf(host_bits).find("mapping[1].prefix"), std::string::npos) << ErrorsOf(host_bits);
}

TEST(StaticMappingConfig, EveryMistakeNamesFileLineAndField) {
  std::string bad = kValid;
  bad.replace(bad.find("ns1.example.net"), 15, "ns1..example.net");
  bad.replace(bad.find("refresh_s: 7200"), 15, "refresh_s: -5");
  bad.replace(bad.find("192.0.2.53"), 10, "192.0.2.999");
  bad += "surprise: 1\n";
  const std::string errors = ErrorsOf(bad);
  EXPECT_NE(errors.find("zone.yaml:11:"), std::string::npos) << errors;
  EXPECT_NE(errors.find("name_servers[0].name"), std::string::npos) << errors;
  EXPECT_NE(errors.find("not a domain name"), std::string::npos) << errors;
  EXPECT_NE(errors.find("name_servers[0].addresses"), std::string::npos) << errors;
  EXPECT_NE(errors.find("soa.refresh_s"), std::string::npos) << errors;
  EXPECT_NE(errors.find("zone.yaml:13:"), std::string::npos) << "the unknown key, on its own line: " << errors;
  EXPECT_NE(errors.find("surprise"), std::string::npos) << errors;

  const std::string twice = ErrorsOf(std::string(kValid) + "soa: {ttl_s: 60}\n");
  EXPECT_NE(twice.find("zone.yaml:13:"), std::string::npos) << twice;
  EXPECT_NE(twice.find("key 'soa' is given twice (first on line 12)"), std::string::npos) << twice;
  std::string ttl = kValid;
  ttl.replace(ttl.find("minimum_s: 60"), 13, "ttl_s: 2147483648");
  EXPECT_NE(ErrorsOf(ttl).find("soa.ttl_s"), std::string::npos) << "a TTL over 31 bits (RFC 2181 8) is an error";
  std::string long_label = kValid;
  long_label.replace(long_label.find("rname: dns-admin"), 16, "rname: " + std::string(64, 'a'));
  EXPECT_NE(ErrorsOf(long_label).find("soa.rname"), std::string::npos);
}

// Property: mangled files load or fail with a ScenarioError, and nothing else escapes.
TEST(StaticMappingConfig, MangledFilesLoadOrFailCleanly) {
  std::mt19937 random(11);
  const std::string valid = kValid;
  const std::string alphabet = "{}[]:,- \n#'\"0123456789./abcxyz";
  for (int i = 0; i < 2000; ++i) {
    std::string text = valid;
    for (int edits = 1 + random() % 4; edits > 0; --edits) {
      const std::size_t at = random() % text.size();
      if (random() % 2 == 0) {
        text[at] = alphabet[random() % alphabet.size()];
      } else {
        text.erase(at, 1 + random() % 6);
      }
      if (text.empty()) text = "x";
    }
    try {
      LoadStaticMappingText(text, "zone.yaml");
    } catch (const ScenarioError& e) {
      EXPECT_NE(std::string(e.what()).find("zone.yaml"), std::string::npos) << "every error names the file";
    } catch (...) {
      ADD_FAILURE() << "mangled file " << i << " threw something other than a ScenarioError:\n" << text;
    }
  }
}

}  // namespace
}  // namespace cdnlab
