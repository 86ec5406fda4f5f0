#pragma once
// A throwaway CA and certificates for TLS tests (tests/support/throwaway_ca.sh, openssl CLI),
// made once per test binary in a fresh temporary directory.
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "realnet/net/tls_config.h"
#include "tests/support/shell.h"

namespace cdnlab::testing {

class ThrowawayPki {
 public:
  ThrowawayPki() {
    char pattern[] = "/tmp/cdnlab-pki.XXXXXX";
    if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    const auto made = RunShell("sh " CDNLAB_SOURCE_DIR "/tests/support/throwaway_ca.sh " + dir_);
    if (made.exit_code != 0) throw std::runtime_error("throwaway_ca.sh failed: " + made.output);
  }
  ~ThrowawayPki() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  ThrowawayPki(const ThrowawayPki&) = delete;
  ThrowawayPki& operator=(const ThrowawayPki&) = delete;

  // "ca.pem", "server.key", ... (see throwaway_ca.sh).
  std::string File(const std::string& name) const { return dir_ + "/" + name; }
  const std::string& Dir() const { return dir_; }

 private:
  std::string dir_;
};

// One PKI per test program: openssl runs once, every test reads the same files.
inline const ThrowawayPki& SharedPki() {
  static const ThrowawayPki pki;
  return pki;
}

// A server presenting `name`.pem / `name`.key of the shared PKI, without client certificates.
inline TlsServerConfig ServerWith(const std::string& name) {
  TlsServerConfig tls;
  tls.cert_chain_file = SharedPki().File(name + ".pem");
  tls.key_file = SharedPki().File(name + ".key");
  return tls;
}

}  // namespace cdnlab::testing
