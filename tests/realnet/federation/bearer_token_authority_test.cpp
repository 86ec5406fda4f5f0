// Bearer tokens of the federation HTTP API: minted with a participant's key, checked with
// public keys only; expired, forged, tampered and unknown-participant tokens are refused.
#include "realnet/federation/bearer_token_authority.h"

#include <gtest/gtest.h>

namespace cdnlab {
namespace {

class BearerTokenAuthorityTest : public ::testing::Test {
 protected:
  BearerTokenAuthorityTest() {
    everyone_.AddParticipant("cdn-a", "cdn-a-secret-0123456789");
    everyone_.AddParticipant("cp-news", "cp-news-secret-0123456789");
    everyone_.AddParticipant("cp-video", "cp-video-secret-0123456789");
    gateway_ = everyone_.OnlyPrivateKeyOf("cdn-a");  // what the gateway process holds
  }

  static constexpr std::int64_t kNow = 1'800'000'000;
  FederationIdentity everyone_;
  FederationIdentity gateway_;
};

TEST_F(BearerTokenAuthorityTest, ValidTokenNamesItsParticipant) {
  const auto token = BearerTokenAuthority(everyone_).Issue("cp-news", kNow + 60);
  ASSERT_TRUE(token);
  const auto verified = BearerTokenAuthority(gateway_).Verify(*token, kNow);
  ASSERT_TRUE(verified.participant) << verified.error;
  EXPECT_EQ(*verified.participant, "cp-news");
  // The claims part is base64url JSON; the signature is hex.
  const auto claims = BearerTokenAuthority::Base64UrlDecode(token->substr(0, token->find('.')));
  ASSERT_TRUE(claims);
  EXPECT_EQ(*claims, R"({"sub":"cp-news","exp":1800000060})");
}

TEST_F(BearerTokenAuthorityTest, GatewayCannotMintOthersTokens) {
  EXPECT_FALSE(BearerTokenAuthority(gateway_).Issue("cp-news", kNow + 60));
  EXPECT_TRUE(BearerTokenAuthority(gateway_).Issue("cdn-a", kNow + 60));
}

TEST_F(BearerTokenAuthorityTest, ExpiredTokenIsRefused) {
  const auto token = *BearerTokenAuthority(everyone_).Issue("cp-news", kNow);
  const auto verified = BearerTokenAuthority(gateway_).Verify(token, kNow);
  EXPECT_FALSE(verified.participant);
  EXPECT_EQ(verified.error, "bearer token expired");
  EXPECT_TRUE(BearerTokenAuthority(gateway_).Verify(token, kNow - 1).participant);
}

TEST_F(BearerTokenAuthorityTest, ForgedTokensAreRefused) {
  const BearerTokenAuthority check(gateway_);
  const std::string good = *BearerTokenAuthority(everyone_).Issue("cp-news", kNow + 60);
  const std::string signature = good.substr(good.find('.') + 1);

  // Claims rewritten to another participant, signature kept.
  const std::string as_video =
      BearerTokenAuthority::Base64UrlEncode(R"({"sub":"cp-video","exp":1800000060})") + "." + signature;
  EXPECT_EQ(check.Verify(as_video, kNow).error, "bearer token signature does not verify");
  // Expiry pushed out, signature kept.
  const std::string later = BearerTokenAuthority::Base64UrlEncode(R"({"sub":"cp-news","exp":1900000000})") + "." + signature;
  EXPECT_EQ(check.Verify(later, kNow).error, "bearer token signature does not verify");
  // Signed by cp-video's key but claiming cp-news.
  const std::string video = *BearerTokenAuthority(everyone_).Issue("cp-video", kNow + 60);
  const std::string swapped = good.substr(0, good.find('.')) + video.substr(video.find('.'));
  EXPECT_FALSE(check.Verify(swapped, kNow).participant);
  // One flipped signature digit.
  std::string flipped = good;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_FALSE(check.Verify(flipped, kNow).participant);
}

TEST_F(BearerTokenAuthorityTest, UnknownParticipantIsRefused) {
  FederationIdentity outsider;
  outsider.AddParticipant("cp-rogue", "cp-rogue-secret-0123456789");
  const auto token = *BearerTokenAuthority(outsider).Issue("cp-rogue", kNow + 60);
  EXPECT_EQ(BearerTokenAuthority(gateway_).Verify(token, kNow).error, "bearer token of an unknown participant");
}

TEST_F(BearerTokenAuthorityTest, MalformedTokensNeverThrow) {
  const BearerTokenAuthority check(gateway_);
  const std::string claims = BearerTokenAuthority::Base64UrlEncode(R"({"sub":"cp-news","exp":1800000060})");
  for (const std::string& token :
       {std::string(), std::string("."), std::string("abc"), std::string("abc."), std::string(".abc"),
        std::string("a.b.c"), std::string("!!!.00"), claims + ".zz", claims + "." + std::string(128, '0'),
        BearerTokenAuthority::Base64UrlEncode("[1,2]") + ".00", BearerTokenAuthority::Base64UrlEncode("not json") + ".00",
        BearerTokenAuthority::Base64UrlEncode(R"({"sub":7,"exp":1})") + ".00",
        BearerTokenAuthority::Base64UrlEncode(R"({"sub":"cp-news","exp":"soon"})") + ".00",
        BearerTokenAuthority::Base64UrlEncode(R"({"sub":"cp-news","exp":1e300})") + ".00",
        std::string(BearerTokenAuthority::kMaxTokenBytes + 1, 'A') + ".00", std::string("A\0B.00", 6)}) {
    const auto verified = check.Verify(token, kNow);
    EXPECT_FALSE(verified.participant) << token;
    EXPECT_FALSE(verified.error.empty());
  }
}

TEST_F(BearerTokenAuthorityTest, Base64UrlRoundTripsAndRejectsNonCanonicalText) {
  for (const std::string& bytes : {std::string(), std::string("f"), std::string("fo"), std::string("foo"),
                                   std::string("\xff\xfe\x00\x01", 4), std::string(100, '\x7f')}) {
    EXPECT_EQ(BearerTokenAuthority::Base64UrlDecode(BearerTokenAuthority::Base64UrlEncode(bytes)), bytes);
  }
  EXPECT_EQ(BearerTokenAuthority::Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_FALSE(BearerTokenAuthority::Base64UrlDecode("Zh"));   // leftover bits set: "Zg" is the spelling of "f"
  EXPECT_FALSE(BearerTokenAuthority::Base64UrlDecode("Zg=="));  // padding is not base64url's
  EXPECT_FALSE(BearerTokenAuthority::Base64UrlDecode("A"));
}

}  // namespace
}  // namespace cdnlab
