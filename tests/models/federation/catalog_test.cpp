// The federation catalog: what it refuses (duplicates, dangling references, impossible
// delegations) and the lookups the invocation system relies on.
#include <gtest/gtest.h>

#include <stdexcept>

#include "models/federation/catalog.h"

namespace cdnlab {
namespace {

using Ids = std::vector<std::string>;

FederationPlatform Plat(std::string id, std::string gateway) {
  FederationPlatform p;
  p.id = std::move(id);
  p.gateway = std::move(gateway);
  return p;
}

FederationServer Srv(std::string id, std::string platform, ServerTier tier = ServerTier::kEdge,
                     std::string parent = "") {
  return FederationServer{std::move(id), std::move(platform), tier, std::move(parent)};
}

FederationConfiguration Conf(std::string id, std::string provider, Ids hosts = {}, std::string metadata_url = "",
                             Ids ccids = {}) {
  return FederationConfiguration{std::move(id), std::move(provider), std::move(hosts), std::move(metadata_url),
                                 std::move(ccids)};
}

// cdn-a (contract platform of cp1) delegates conf1 to cdn-b, which delegates it to cdn-c.
FederationCatalog TwoLevelCatalog() {
  FederationCatalog c;
  for (const char* p : {"cdn-a", "cdn-b", "cdn-c", "cdn-d"}) c.AddPlatform(Plat(p, std::string(p) + "-gw"));
  c.AddServer(Srv("a-p1", "cdn-a", ServerTier::kParent, ""));
  c.AddServer(Srv("a-e2", "cdn-a", ServerTier::kEdge, "a-p1"));
  c.AddServer(Srv("a-e1", "cdn-a", ServerTier::kEdge, "a-p1"));
  c.AddServer(Srv("b-p1", "cdn-b", ServerTier::kParent, ""));
  c.AddServer(Srv("b-m1", "cdn-b", ServerTier::kParent, "b-p1"));
  c.AddServer(Srv("b-e1", "cdn-b", ServerTier::kEdge, "b-m1"));
  c.AddServer(Srv("b-e0", "cdn-b", ServerTier::kEdge, ""));
  c.AddServer(Srv("c-e1", "cdn-c", ServerTier::kEdge, ""));
  c.AddServer(Srv("d-e1", "cdn-d", ServerTier::kEdge, ""));
  c.AddProvider({"cp1", "cdn-a"});
  c.AddConfiguration(
      Conf("conf1", "cp1", {"www.CP1.example", "img.cp1.example"}, "https://meta.cdn-a.example/conf1", {"c1"}));
  c.AddConfiguration(Conf("conf2", "cp1", {"www.cp1.example"}, "", {}));
  c.AddDeployment({"conf1", "cdn-a", "", {"a-e2", "a-e1", "a-p1"}});
  c.AddDeployment({"conf1", "cdn-b", "cdn-a", {"b-e1", "b-e0", "b-m1", "b-p1"}});
  c.AddDeployment({"conf1", "cdn-c", "cdn-b", {"c-e1"}});
  c.AddDeployment({"conf2", "cdn-a", "", {"a-e1"}});
  return c;
}

void ExpectRejected(const std::function<void()>& add, const std::string& fragment) {
  try {
    add();
    ADD_FAILURE() << "expected std::invalid_argument mentioning '" << fragment << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(FederationCatalog, TierNames) {
  EXPECT_EQ(ToString(ServerTier::kParent), "parent");
  EXPECT_EQ(ToString(ServerTier::kEdge), "edge");
}

TEST(FederationCatalog, Lookups) {
  const FederationCatalog c = TwoLevelCatalog();
  ASSERT_NE(c.Platform("cdn-b"), nullptr);
  EXPECT_EQ(c.Platform("cdn-b")->gateway, "cdn-b-gw");
  EXPECT_EQ(c.Platform("nope"), nullptr);
  EXPECT_EQ(c.Server("b-e1")->parent, "b-m1");
  EXPECT_EQ(c.Provider("cp1")->platform, "cdn-a");
  EXPECT_EQ(c.Configuration("conf1")->ccids, Ids{"c1"});
  EXPECT_EQ(c.DeploymentOf("conf1", "cdn-c")->delegated_by, "cdn-b");
  EXPECT_EQ(c.DeploymentOf("conf2", "cdn-b"), nullptr);
  EXPECT_EQ(c.Platforms().size(), 4u);
  EXPECT_EQ(c.Deployments().size(), 4u);
}

TEST(FederationCatalog, TierDepthFollowsParents) {
  const FederationCatalog c = TwoLevelCatalog();
  EXPECT_EQ(c.TierDepth("b-p1"), 0);
  EXPECT_EQ(c.TierDepth("b-m1"), 1);
  EXPECT_EQ(c.TierDepth("b-e1"), 2);
  EXPECT_EQ(c.TierDepth("b-e0"), 0);
  EXPECT_EQ(c.TierDepth("unknown"), -1);
}

TEST(FederationCatalog, ServersCarryingParentsFirstThenById) {
  const FederationCatalog c = TwoLevelCatalog();
  EXPECT_EQ(c.ServersCarrying("conf1", "cdn-a"), (Ids{"a-p1", "a-e1", "a-e2"}));
  EXPECT_EQ(c.ServersCarrying("conf1", "cdn-b"), (Ids{"b-e0", "b-p1", "b-m1", "b-e1"}));
  EXPECT_TRUE(c.ServersCarrying("conf2", "cdn-b").empty());
  EXPECT_TRUE(c.ServersCarrying("nope", "cdn-a").empty());
}

TEST(FederationCatalog, DownstreamsAndTransitiveReach) {
  const FederationCatalog c = TwoLevelCatalog();
  EXPECT_EQ(c.DownstreamPlatforms("conf1", "cdn-a"), Ids{"cdn-b"});
  EXPECT_EQ(c.DownstreamPlatforms("conf1", "cdn-b"), Ids{"cdn-c"});
  EXPECT_TRUE(c.DownstreamPlatforms("conf1", "cdn-c").empty());
  EXPECT_TRUE(c.DownstreamPlatforms("conf2", "cdn-a").empty());
  EXPECT_TRUE(c.DownstreamPlatforms("conf1", "").empty()) << "the contract platform's \"\" is not a platform";
  EXPECT_EQ(c.ServersReachedFrom("conf1", "cdn-a"),
            (Ids{"a-p1", "a-e1", "a-e2", "b-e0", "b-p1", "b-m1", "b-e1", "c-e1"}));
  EXPECT_EQ(c.ServersReachedFrom("conf1", "cdn-b"), (Ids{"b-e0", "b-p1", "b-m1", "b-e1", "c-e1"}));
  EXPECT_EQ(c.ServersReachedFrom("conf2", "cdn-a"), Ids{"a-e1"});
  EXPECT_TRUE(c.ServersReachedFrom("conf1", "cdn-d").empty());
}

TEST(FederationCatalog, HostsAndMetadataUrls) {
  const FederationCatalog c = TwoLevelCatalog();
  EXPECT_EQ(c.ConfigurationsOfHost("www.cp1.example"), (Ids{"conf1", "conf2"}));
  EXPECT_EQ(c.ConfigurationsOfHost("WWW.Cp1.Example"), (Ids{"conf1", "conf2"}));
  EXPECT_EQ(c.ConfigurationsOfHost("IMG.cp1.example"), Ids{"conf1"});
  EXPECT_TRUE(c.ConfigurationsOfHost("other.example").empty());
  EXPECT_EQ(c.ConfigurationOfMetadataUrl("https://meta.cdn-a.example/conf1"), "conf1");
  EXPECT_FALSE(c.ConfigurationOfMetadataUrl("https://meta.cdn-a.example/conf2").has_value());
  EXPECT_FALSE(c.ConfigurationOfMetadataUrl("").has_value()) << "\"\" means no metadata URL";
}

TEST(FederationCatalog, UrlHost) {
  EXPECT_EQ(UrlHost("https://Host:8080/a"), "host");
  EXPECT_EQ(UrlHost("http://user:pw@WWW.Example.com/x?y=1"), "www.example.com");
  EXPECT_EQ(UrlHost("https://www.example.com"), "www.example.com");
  EXPECT_EQ(UrlHost("https://www.example.com?q=1"), "www.example.com");
  EXPECT_EQ(UrlHost("https://[2001:DB8::1]:443/a"), "[2001:db8::1]");
  EXPECT_EQ(UrlHost("www.example.com/a"), "");
  EXPECT_EQ(UrlHost("://x/a"), "");
  EXPECT_EQ(UrlHost(""), "");
}

TEST(FederationCatalog, RejectsDuplicatesAndDanglingReferences) {
  FederationCatalog c = TwoLevelCatalog();
  ExpectRejected([&] { c.AddPlatform(Plat("cdn-a", "gw")); }, "platform 'cdn-a' added twice");
  ExpectRejected([&] { c.AddPlatform(Plat("", "gw")); }, "empty id");
  ExpectRejected([&] { c.AddServer(Srv("a-e1", "cdn-a")); }, "server 'a-e1' added twice");
  ExpectRejected([&] { c.AddServer(Srv("x", "cdn-z")); }, "unknown platform 'cdn-z'");
  ExpectRejected([&] { c.AddServer(Srv("x", "cdn-a", ServerTier::kEdge, "nope")); }, "unknown parent 'nope'");
  ExpectRejected([&] { c.AddServer(Srv("x", "cdn-a", ServerTier::kEdge, "b-p1")); }, "is on platform 'cdn-b'");
  ExpectRejected([&] { c.AddServer(Srv("x", "cdn-a", ServerTier::kEdge, "a-e1")); }, "is an edge server");
  ExpectRejected([&] { c.AddProvider({"cp1", "cdn-a"}); }, "content provider 'cp1' added twice");
  ExpectRejected([&] { c.AddProvider({"cp2", "cdn-z"}); }, "unknown platform 'cdn-z'");
  ExpectRejected([&] { c.AddConfiguration(Conf("conf1", "cp1")); }, "configuration 'conf1' added twice");
  ExpectRejected([&] { c.AddConfiguration(Conf("conf3", "cp9")); }, "unknown content provider 'cp9'");
  ExpectRejected([&] { c.AddConfiguration(Conf("conf3", "cp1", {}, "https://meta.cdn-a.example/conf1")); },
                 "already names configuration 'conf1'");
  EXPECT_EQ(c.Servers().size(), 9u) << "a rejected add changes nothing";
  EXPECT_EQ(c.Configurations().size(), 2u);
}

TEST(FederationCatalog, RejectsImpossibleDeployments) {
  FederationCatalog c = TwoLevelCatalog();
  ExpectRejected([&] { c.AddDeployment({"conf9", "cdn-a", "", {}}); }, "unknown configuration 'conf9'");
  ExpectRejected([&] { c.AddDeployment({"conf2", "cdn-z", "cdn-a", {}}); }, "unknown platform 'cdn-z'");
  ExpectRejected([&] { c.AddDeployment({"conf1", "cdn-b", "cdn-a", {}}); }, "added twice");
  ExpectRejected([&] { c.AddDeployment({"conf2", "cdn-b", "cdn-a", {"b-e1", "nope"}}); }, "unknown server 'nope'");
  ExpectRejected([&] { c.AddDeployment({"conf2", "cdn-b", "cdn-a", {"a-e1"}}); },
                 "server 'a-e1' belongs to platform 'cdn-a'");
  ExpectRejected([&] { c.AddDeployment({"conf2", "cdn-b", "cdn-a", {"b-e1", "b-e1"}}); }, "listed twice");
  // delegated_by is "" exactly on the contract platform.
  FederationCatalog fresh;
  fresh.AddPlatform(Plat("cdn-a", "gw-a"));
  fresh.AddPlatform(Plat("cdn-b", "gw-b"));
  fresh.AddPlatform(Plat("cdn-c", "gw-c"));
  fresh.AddProvider({"cp1", "cdn-a"});
  fresh.AddConfiguration(Conf("conf1", "cp1"));
  ExpectRejected([&] { fresh.AddDeployment({"conf1", "cdn-a", "cdn-b", {}}); }, "delegated_by must be empty");
  ExpectRejected([&] { fresh.AddDeployment({"conf1", "cdn-b", "", {}}); }, "delegated_by is required");
  ExpectRejected([&] { fresh.AddDeployment({"conf1", "cdn-b", "cdn-b", {}}); }, "cannot delegate to itself");
  ExpectRejected([&] { fresh.AddDeployment({"conf1", "cdn-b", "cdn-z", {}}); }, "unknown delegating platform");
  ExpectRejected([&] { fresh.AddDeployment({"conf1", "cdn-b", "cdn-a", {}}); },
                 "delegating platform 'cdn-a' has no deployment of 'conf1'");
  fresh.AddDeployment({"conf1", "cdn-a", "", {}});
  fresh.AddDeployment({"conf1", "cdn-b", "cdn-a", {}});
  ExpectRejected([&] { fresh.AddDeployment({"conf1", "cdn-c", "cdn-c", {}}); }, "cannot delegate to itself");
  fresh.AddDeployment({"conf1", "cdn-c", "cdn-b", {}});
  EXPECT_EQ(fresh.Deployments().size(), 3u);
}

}  // namespace
}  // namespace cdnlab
