#include "realnet/routing/probe_report_verifier.h"

#include <gtest/gtest.h>

#include "realnet/routing/probe_report_codec.h"
#include "realnet/routing/probe_report_signer.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

constexpr std::int64_t kNow = 1765000000000;
const std::string kNycSecret = "nyc's secret, 16+ bytes";
const std::string kLonSecret = "lon's secret, 16+ bytes";

ProbeOutcome Outcome(PopIndex pop, double rtt_ms) {
  ProbeOutcome o;
  o.pop = pop;
  o.group = 0;
  o.rtt_ms = rtt_ms;
  o.sent = 5;
  o.received = 5;
  return o;
}

// nyc (PoP 0) and lon (PoP 1) have keys; tyo (PoP 2) has none.
class ProbeReportVerifierTest : public ::testing::Test {
 protected:
  ProbeReportVerifierConfig Config(bool accept_unsigned = false) const {
    FederationIdentity all;
    all.AddParticipant("nyc", kNycSecret);
    all.AddParticipant("lon", kLonSecret);
    ProbeReportVerifierConfig config;
    config.pop_keys.AddPublicKey("nyc", *all.PublicKeyHex("nyc"));
    config.pop_keys.AddPublicKey("lon", *all.PublicKeyHex("lon"));
    config.accept_unsigned = accept_unsigned;
    config.max_skew_ms = 10000;
    return config;
  }
  std::optional<ReportRefusal> Verdict(ProbeReportVerifier& v, const Bytes& wire) const {
    const ReportVerdict verdict = v.Check(wire, kNow);
    if (verdict.accepted) return std::nullopt;
    return verdict.refusal;
  }

  RoutingCatalog catalog_ = testing::ThreePopCatalog();
  ProbeReportSigner nyc_{catalog_, "nyc", kNycSecret, 100};
};

TEST_F(ProbeReportVerifierTest, AcceptsAGoodReportOnce) {
  ProbeReportVerifier v(catalog_, Config());
  const Bytes wire = nyc_.Seal(Outcome(0, 20), kNow);
  const ReportVerdict verdict = v.Check(wire, kNow);
  ASSERT_TRUE(verdict.accepted.has_value());
  EXPECT_EQ(verdict.accepted->pop, 0u);
  EXPECT_EQ(verdict.accepted->rtt_ms, std::optional<double>(20));
  EXPECT_EQ(Verdict(v, wire), ReportRefusal::kReplayed);
  EXPECT_EQ(Verdict(v, nyc_.Seal(Outcome(0, 21), kNow)), std::nullopt) << "the next number is accepted";
}

TEST_F(ProbeReportVerifierTest, RefusesEachKindForItsReason) {
  ProbeReportVerifier v(catalog_, Config());
  // Signed by nyc's agent, but claiming lon: lon's key does not verify it.
  ProbeReportSigner impostor(catalog_, "lon", kNycSecret, 1);
  EXPECT_EQ(Verdict(v, impostor.Seal(Outcome(1, 1), kNow)), ReportRefusal::kForged);
  // A good report with its RTT changed after signing.
  Bytes wire = nyc_.Seal(Outcome(0, 20), kNow);
  std::string text(wire.begin(), wire.end());
  text.replace(text.find("\"rtt_ms\":20"), 11, "\"rtt_ms\":90");
  EXPECT_EQ(Verdict(v, Bytes(text.begin(), text.end())), ReportRefusal::kForged);
  // Its signature flipped in one digit.
  text = std::string(wire.begin(), wire.end());
  text.back() = text.back() == '0' ? '1' : '0';
  EXPECT_EQ(Verdict(v, Bytes(text.begin(), text.end())), ReportRefusal::kForged);
  EXPECT_EQ(Verdict(v, nyc_.Seal(Outcome(0, 20), kNow - 10001)), ReportRefusal::kStale);
  EXPECT_EQ(Verdict(v, nyc_.Seal(Outcome(0, 20), kNow + 10001)), ReportRefusal::kStale);
  EXPECT_EQ(Verdict(v, nyc_.Seal(Outcome(0, 20), INT64_MIN)), ReportRefusal::kStale);
  ProbeReportSigner tyo(catalog_, "tyo", std::string("tyo's secret, 16+ bytes"), 1);
  EXPECT_EQ(Verdict(v, tyo.Seal(Outcome(2, 1), kNow)), ReportRefusal::kUnknownPop) << "no key for tyo";
  const std::string elsewhere = R"({"pop":"sfo","group":"paris","loss":0,"sent":5,"received":5,"seq":1,"sent_at_ms":1})";
  EXPECT_EQ(Verdict(v, Bytes(elsewhere.begin(), elsewhere.end())), ReportRefusal::kUnknownPop);
  ProbeReportSigner unsigned_nyc(catalog_, "nyc", std::nullopt, 1000);
  EXPECT_EQ(Verdict(v, unsigned_nyc.Seal(Outcome(0, 1), kNow)), ReportRefusal::kUnsigned);
  EXPECT_EQ(Verdict(v, Bytes{0xff, 0x00, '{', '\n'}), ReportRefusal::kMalformed);
  // Nothing above moved nyc's sequence: the good report numbered 100 is still accepted.
  EXPECT_EQ(Verdict(v, wire), std::nullopt);
}

TEST_F(ProbeReportVerifierTest, EveryTruncationIsRefused) {
  ProbeReportVerifier v(catalog_, Config(/*accept_unsigned=*/true));
  const Bytes wire = nyc_.Seal(Outcome(0, 20), kNow);
  for (std::size_t n = 0; n < wire.size(); ++n) {
    EXPECT_NE(Verdict(v, Bytes(wire.begin(), wire.begin() + static_cast<long>(n))), std::nullopt) << n << " bytes";
  }
  EXPECT_EQ(Verdict(v, wire), std::nullopt);
}

TEST_F(ProbeReportVerifierTest, UnsignedOnlyWhenAskedAndOnlyFromPopsWithoutKeys) {
  ProbeReportVerifier v(catalog_, Config(/*accept_unsigned=*/true));
  ProbeReportSigner tyo(catalog_, "tyo", std::nullopt, 1);
  EXPECT_EQ(Verdict(v, tyo.Seal(Outcome(2, 1), kNow)), std::nullopt);
  ProbeReportSigner unsigned_nyc(catalog_, "nyc", std::nullopt, 1000);
  EXPECT_EQ(Verdict(v, unsigned_nyc.Seal(Outcome(0, 1), kNow)), ReportRefusal::kUnsigned) << "nyc has a key";
}

TEST_F(ProbeReportVerifierTest, RefusesToStartWhenNothingCouldBeAccepted) {
  EXPECT_THROW(ProbeReportVerifier(catalog_, ProbeReportVerifierConfig{}), std::invalid_argument);
  ProbeReportVerifierConfig lab;
  lab.accept_unsigned = true;
  EXPECT_NO_THROW(ProbeReportVerifier(catalog_, lab));
}

}  // namespace
}  // namespace cdnlab
