// A follower takes a snapshot only when it is signed by the configured signer, well formed,
// for its zone and newer than what it serves; anything else is refused by name and changes
// nothing. Mutated documents never open (the codec is strict before and after the signature).
#include "realnet/dns/snapshot_follower.h"

#include <random>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace cdnlab {
namespace {

constexpr const char* kSecret = "the controller's snapshot secret";

MappingSnapshot Snapshot(std::uint64_t version, PopIndex pop_for_subnet = 0, const std::string& zone = "example.net") {
  MappingSnapshot s;
  s.version = version;
  s.dns = WithApexDefaults(AuthoritativeConfig{zone, "cdn." + zone, std::chrono::seconds(20)});
  s.pops = {{"pop-a", {}, {Ipv4Address{0xC000020A}}, 0}, {"pop-b", {}, {Ipv4Address{0xC6336414}}, 0}};
  s.rows = {{Ipv4Prefix{Ipv4Address{0x0A010000}, 24}, {pop_for_subnet}}, {Ipv4Prefix{Ipv4Address{0}, 0}, {0}}};
  return s;
}

FederationIdentity Signer() {
  FederationIdentity id;
  id.AddParticipant("controller", kSecret);
  return id;
}

class SnapshotFollowerTest : public ::testing::Test {
 protected:
  SnapshotFollowerTest()
      : live_(RoutingCatalog{}, AuthoritativeConfig{"not-loaded.invalid", "not-loaded.invalid"}),
        server_(io_, live_, Endpoint{Ipv4Address{0x7F000001}, 0}) {
    SnapshotFollowerConfig config;
    config.identity.AddPublicKey("controller", *Signer().PublicKeyHex("controller"));
    follower_ = std::make_unique<SnapshotFollower>(io_, live_, server_, config, [](const std::string&) {});
  }
  std::string Answer(std::uint32_t subnet) {
    DnsQuestion q;
    q.qname = "cdn.example.net";
    q.client_subnet = Ipv4Prefix{Ipv4Address{subnet}, 24};
    const DnsAnswer a = live_.Answer(q);
    return a.addresses.empty() ? "none" : a.addresses.front().ToString();
  }

  boost::asio::io_context io_;
  AuthoritativeAnswerer live_;
  RealDnsServer server_;
  std::unique_ptr<SnapshotFollower> follower_;
};

TEST_F(SnapshotFollowerTest, TakesASignedNewerSnapshotWhole) {
  EXPECT_EQ(follower_->Offer(SignSnapshot(Snapshot(3), Signer(), "controller"), false), "");
  EXPECT_EQ(follower_->Version(), 3u);
  EXPECT_EQ(live_.Table().Version(), 3u) << "the SOA serial follows the snapshot's version";
  EXPECT_EQ(Answer(0x0A010000), "192.0.2.10");
  EXPECT_EQ(follower_->Offer(SignSnapshot(Snapshot(4, 1), Signer(), "controller"), false), "");
  EXPECT_EQ(Answer(0x0A010000), "198.51.100.20");
}

TEST_F(SnapshotFollowerTest, RefusesUnsignedOlderCorruptForgedAndForeignSnapshots) {
  ASSERT_EQ(follower_->Offer(SignSnapshot(Snapshot(5), Signer(), "controller"), false), "");
  const std::string good = SignSnapshot(Snapshot(6, 1), Signer(), "controller");

  nlohmann::json unsigned_doc = nlohmann::json::parse(good);
  unsigned_doc.erase("signature");
  EXPECT_EQ(follower_->Offer(unsigned_doc.dump(), false), "unsigned");

  EXPECT_EQ(follower_->Offer(SignSnapshot(Snapshot(4, 1), Signer(), "controller"), false), "not_newer");
  EXPECT_EQ(follower_->Offer(SignSnapshot(Snapshot(5, 1), Signer(), "controller"), false), "not_newer");
  EXPECT_EQ(follower_->Offer(good.substr(0, good.size() / 2), false), "corrupt");
  EXPECT_EQ(follower_->Offer("", false), "corrupt");

  nlohmann::json forged = nlohmann::json::parse(good);
  std::string body = forged["body"];
  body.replace(body.find("198.51.100.20"), 13, "203.0.113.66");
  forged["body"] = body;
  EXPECT_EQ(follower_->Offer(forged.dump(), false), "bad_signature");

  FederationIdentity intruder;
  intruder.AddParticipant("intruder", "another secret entirely");
  EXPECT_EQ(follower_->Offer(SignSnapshot(Snapshot(9), intruder, "intruder"), false), "unknown_signer");

  FederationIdentity impostor;
  impostor.AddParticipant("controller", "not the controller's secret");
  EXPECT_EQ(follower_->Offer(SignSnapshot(Snapshot(9), impostor, "controller"), false), "bad_signature");

  EXPECT_EQ(follower_->Offer(SignSnapshot(Snapshot(9, 0, "example.org"), Signer(), "controller"), false), "other_zone");

  MappingSnapshot bad_index = Snapshot(9);
  bad_index.rows[0].ranked_pops = {7};  // no PoP 7: refused though properly signed
  EXPECT_EQ(follower_->Offer(SignSnapshot(bad_index, Signer(), "controller"), false), "invalid");

  EXPECT_EQ(follower_->Version(), 5u) << "nothing refused was applied";
  EXPECT_EQ(Answer(0x0A010000), "192.0.2.10");
  EXPECT_EQ(follower_->Refused().at("not_newer"), 2u);
  EXPECT_EQ(follower_->Offer(good, false), "");
}

// Property: a byte changed, dropped or inserted anywhere in a signed document is refused
// (or, if it only touches JSON whitespace outside the body, still yields the same snapshot).
TEST(MappingSnapshot, MutatedDocumentsNeverOpenAsSomethingElse) {
  const std::string good = SignSnapshot(Snapshot(2), Signer(), "controller");
  FederationIdentity verifier;
  verifier.AddPublicKey("controller", *Signer().PublicKeyHex("controller"));
  const OpenedSnapshot reference = OpenSnapshot(good, verifier, "controller");
  ASSERT_EQ(reference.refusal, SnapshotRefusal::kNone) << reference.error;
  std::mt19937 random(7);
  for (int i = 0; i < 3000; ++i) {
    std::string mutated = good;
    const std::size_t at = random() % mutated.size();
    switch (random() % 3) {
      case 0: mutated[at] = static_cast<char>(random() % 256); break;
      case 1: mutated.erase(at, 1 + random() % 8); break;
      default: mutated.insert(at, 1, static_cast<char>(random() % 256)); break;
    }
    const OpenedSnapshot opened = OpenSnapshot(mutated, verifier, "controller");
    if (opened.refusal == SnapshotRefusal::kNone) {
      EXPECT_EQ(SignSnapshot(opened.snapshot, Signer(), "controller"), good) << "mutation " << i << " opened as a different snapshot";
    }
  }
}

// IPv6 rows and servers travel in snapshots, and a follower answers ECS family 2 from them.
TEST_F(SnapshotFollowerTest, IPv6RowsAndServersTravel) {
  MappingSnapshot snapshot = Snapshot(5);
  Ipv6Address server6;
  server6.bytes = {0x20, 0x01, 0x0d, 0xb8, 0xcd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  snapshot.pops[1].servers6 = {server6};
  Ipv6Address site;
  site.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 1};
  snapshot.rows.push_back({Ipv6Prefix::Of(site, 48), {1}});
  FederationIdentity verifier;
  verifier.AddPublicKey("controller", *Signer().PublicKeyHex("controller"));
  const OpenedSnapshot opened = OpenSnapshot(SignSnapshot(snapshot, Signer(), "controller"), verifier, "controller");
  ASSERT_EQ(opened.refusal, SnapshotRefusal::kNone) << opened.error;
  EXPECT_EQ(opened.snapshot.rows, snapshot.rows);
  EXPECT_EQ(opened.snapshot.pops[1].servers6, snapshot.pops[1].servers6);

  ASSERT_EQ(follower_->Offer(SignSnapshot(snapshot, Signer(), "controller"), false), "");
  DnsQuestion q;
  q.qname = "cdn.example.net";
  q.qtype = 28;
  q.client_subnet = Ipv6Prefix::Of(site, 56);
  const DnsAnswer a = live_.Answer(q);
  ASSERT_EQ(a.addresses6.size(), 1u);
  EXPECT_EQ(a.addresses6[0], server6);
  EXPECT_EQ(a.scope_prefix_length, std::optional<std::uint8_t>(48));
}

}  // namespace
}  // namespace cdnlab
