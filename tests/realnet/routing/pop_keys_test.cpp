#include "realnet/routing/pop_keys.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

class PopKeysTest : public ::testing::Test {
 protected:
  PopKeysTest() : dir_(std::filesystem::temp_directory_path() / ("cdnlab-pop-keys-" + std::to_string(getpid()))) {
    std::filesystem::create_directories(dir_);
  }
  ~PopKeysTest() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  // The message of the std::runtime_error `f` throws ("" when it does not).
  template <typename F>
  static std::string ErrorOf(F f) {
    try {
      f();
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }

  std::filesystem::path dir_;
  RoutingCatalog catalog_ = testing::ThreePopCatalog();  // PoPs nyc, lon, tyo
};

TEST_F(PopKeysTest, ANewSecretIsPrivateFreshAndNeverOverwritten) {
  const std::string path = (dir_ / "nyc.key").string();
  const std::string secret = WriteNewPopSecretFile(path);
  EXPECT_EQ(secret.size(), 64u);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(ReadPopSecretFile(path), secret);
  EXPECT_NE(ErrorOf([&] { WriteNewPopSecretFile(path); }).find(path), std::string::npos) << "refuses to overwrite";
  EXPECT_EQ(ReadPopSecretFile(path), secret);
  EXPECT_NE(WriteNewPopSecretFile((dir_ / "lon.key").string()), secret);
}

TEST_F(PopKeysTest, BadSecretFilesAreNamed) {
  const std::string missing = (dir_ / "missing.key").string();
  EXPECT_NE(ErrorOf([&] { ReadPopSecretFile(missing); }).find(missing), std::string::npos);
  const std::string short_one = Write("short.key", "  tiny \n");
  EXPECT_NE(ErrorOf([&] { ReadPopSecretFile(short_one); }).find(short_one + ": the secret must be at least 16 bytes"),
            std::string::npos);
}

TEST_F(PopKeysTest, ReadsThePublicKeysFile) {
  FederationIdentity nyc;
  nyc.AddParticipant("nyc", "nyc's secret, 16+ bytes");
  const std::string path = Write("keys", "# PoP public keys\n\nnyc " + *nyc.PublicKeyHex("nyc") + "\n");
  const FederationIdentity keys = ReadPopPublicKeysFile(path, catalog_);
  EXPECT_TRUE(keys.Knows("nyc"));
  EXPECT_FALSE(keys.Knows("lon"));
  const std::string signature = *nyc.Sign("nyc", "body");
  EXPECT_TRUE(keys.Verify("nyc", "body", signature));
  EXPECT_FALSE(keys.CanSignAs("nyc"));
}

TEST_F(PopKeysTest, BadPublicKeysFilesAreNamedByLine) {
  const std::string key(64, 'a');
  const std::string missing = (dir_ / "none").string();
  EXPECT_NE(ErrorOf([&] { ReadPopPublicKeysFile(missing, catalog_); }).find(missing), std::string::npos);
  for (const auto& [text, expected] : std::vector<std::pair<std::string, std::string>>{
           {"nyc\n", ":1: expected 'POP-ID PUBLIC-KEY-HEX'"},
           {"# ok\nnyc " + key + " extra\n", ":2: expected 'POP-ID PUBLIC-KEY-HEX'"},
           {"nyc abc\n", ":1: participant 'nyc': public key is not 64 hex digits"},
           {"sfo " + key + "\n", ":1: PoP 'sfo' is not in the scenario"},
           {"nyc " + key + "\nnyc " + key + "\n", ":2: participant 'nyc' added twice"},
       }) {
    const std::string path = Write("bad-keys", text);
    EXPECT_NE(ErrorOf([&] { ReadPopPublicKeysFile(path, catalog_); }).find(path + expected), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace cdnlab
