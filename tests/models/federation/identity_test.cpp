// Ed25519 identities of federation participants: signatures verify only for the right signer
// and payload, hostile signature text is refused without throwing, and a process holding one
// participant's key cannot speak for another.
#include <gtest/gtest.h>

#include <stdexcept>

#include "models/federation/identity.h"

namespace cdnlab {
namespace {

FederationIdentity TwoParticipants() {
  FederationIdentity id;
  id.AddParticipant("cdn-a", "secret-of-cdn-a-0123456789");
  id.AddParticipant("cdn-b", "secret-of-cdn-b-0123456789");
  return id;
}

TEST(FederationIdentity, SignAndVerify) {
  const FederationIdentity id = TwoParticipants();
  auto sig = id.Sign("cdn-a", "hello");
  ASSERT_TRUE(sig.has_value());
  EXPECT_EQ(sig->size(), 128u) << "64 bytes in hex";
  EXPECT_TRUE(id.Verify("cdn-a", "hello", *sig));
  EXPECT_TRUE(id.Verify("cdn-a", "", *id.Sign("cdn-a", ""))) << "an empty payload is still signed";
}

TEST(FederationIdentity, TamperedPayloadOrSignatureFails) {
  const FederationIdentity id = TwoParticipants();
  const std::string sig = *id.Sign("cdn-a", "purge /a");
  EXPECT_FALSE(id.Verify("cdn-a", "purge /b", sig));
  EXPECT_FALSE(id.Verify("cdn-a", "purge /a ", sig));
  std::string flipped = sig;
  flipped[10] = flipped[10] == '0' ? '1' : '0';
  EXPECT_FALSE(id.Verify("cdn-a", "purge /a", flipped));
}

TEST(FederationIdentity, WrongOrUnknownSignerFails) {
  const FederationIdentity id = TwoParticipants();
  const std::string sig = *id.Sign("cdn-a", "x");
  EXPECT_FALSE(id.Verify("cdn-b", "x", sig));
  EXPECT_FALSE(id.Verify("cdn-z", "x", sig));
  EXPECT_FALSE(id.Sign("cdn-z", "x").has_value());
}

TEST(FederationIdentity, GarbageSignatureTextIsRefusedQuietly) {
  const FederationIdentity id = TwoParticipants();
  const std::string sig = *id.Sign("cdn-a", "x");
  for (const std::string& bad : {std::string(), std::string("zz"), sig.substr(0, 127), sig + "0", sig + "00",
                                 std::string(128, 'g'), std::string(128, '\0'), std::string(1 << 20, 'a'),
                                 std::string(128, '0')}) {
    EXPECT_NO_THROW(EXPECT_FALSE(id.Verify("cdn-a", "x", bad)));
  }
  std::string upper = sig;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(id.Verify("cdn-a", "x", upper)) << "hex digits in either case";
}

TEST(FederationIdentity, DeterministicKeysFromTheSameSecret) {
  const FederationIdentity one = TwoParticipants();
  const FederationIdentity two = TwoParticipants();
  EXPECT_EQ(one.PublicKeyHex("cdn-a"), two.PublicKeyHex("cdn-a"));
  EXPECT_NE(one.PublicKeyHex("cdn-a"), one.PublicKeyHex("cdn-b"));
  EXPECT_EQ(one.PublicKeyHex("cdn-a")->size(), 64u);
  EXPECT_EQ(one.Sign("cdn-a", "m"), two.Sign("cdn-a", "m")) << "Ed25519 signatures are deterministic";
  EXPECT_TRUE(two.Verify("cdn-a", "m", *one.Sign("cdn-a", "m")));
  EXPECT_FALSE(one.PublicKeyHex("cdn-z").has_value());
}

TEST(FederationIdentity, PublicKeyOnlyCanVerifyNotSign) {
  const FederationIdentity full = TwoParticipants();
  FederationIdentity verifier;
  verifier.AddPublicKey("cdn-a", *full.PublicKeyHex("cdn-a"));
  EXPECT_TRUE(verifier.Knows("cdn-a"));
  EXPECT_FALSE(verifier.CanSignAs("cdn-a"));
  EXPECT_FALSE(verifier.Sign("cdn-a", "m").has_value());
  EXPECT_TRUE(verifier.Verify("cdn-a", "m", *full.Sign("cdn-a", "m")));
}

TEST(FederationIdentity, OnlyPrivateKeyOfCannotSignAsOthers) {
  const FederationIdentity full = TwoParticipants();
  const FederationIdentity a = full.OnlyPrivateKeyOf("cdn-a");
  EXPECT_TRUE(a.CanSignAs("cdn-a"));
  EXPECT_FALSE(a.CanSignAs("cdn-b"));
  EXPECT_FALSE(a.Sign("cdn-b", "m").has_value());
  EXPECT_TRUE(a.Knows("cdn-b"));
  EXPECT_TRUE(a.Verify("cdn-b", "m", *full.Sign("cdn-b", "m")));
  EXPECT_TRUE(full.Verify("cdn-a", "m", *a.Sign("cdn-a", "m")));
  const FederationIdentity none = full.OnlyPrivateKeyOf("cdn-z");
  EXPECT_FALSE(none.CanSignAs("cdn-a"));
  EXPECT_TRUE(none.Knows("cdn-a"));
}

TEST(FederationIdentity, RejectsBadParticipants) {
  FederationIdentity id = TwoParticipants();
  EXPECT_THROW(id.AddParticipant("", "secret-0123456789"), std::invalid_argument);
  EXPECT_THROW(id.AddParticipant("cdn-c", "short"), std::invalid_argument);
  EXPECT_NO_THROW(id.AddParticipant("cdn-c", std::string(16, 's'))) << "16 bytes is enough";
  EXPECT_THROW(id.AddParticipant("cdn-a", "another-secret-0123456789"), std::invalid_argument);
  EXPECT_THROW(id.AddPublicKey("cdn-a", *id.PublicKeyHex("cdn-b")), std::invalid_argument);
  EXPECT_THROW(id.AddPublicKey("cdn-d", "abcd"), std::invalid_argument);
  EXPECT_THROW(id.AddPublicKey("cdn-d", std::string(64, 'x')), std::invalid_argument);
  EXPECT_THROW(id.AddPublicKey("", *id.PublicKeyHex("cdn-b")), std::invalid_argument);
  EXPECT_FALSE(id.Knows("cdn-d"));
}

}  // namespace
}  // namespace cdnlab
