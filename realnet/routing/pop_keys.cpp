#include "realnet/routing/pop_keys.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <openssl/rand.h>

namespace cdnlab {
namespace {

std::string Trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::string Hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0xF]);
  }
  return out;
}

}  // namespace

std::string WriteNewPopSecretFile(const std::string& path) {
  unsigned char random[32];
  if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error(path + ": OpenSSL has no random bytes");
  const std::string secret = Hex(random, sizeof random) + "\n";
  // O_EXCL: an existing key is never replaced by accident; 0600 before a byte is written.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) throw std::runtime_error(path + ": cannot create (" + std::strerror(errno) + ")");
  const bool written = ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size());
  const bool closed = ::close(fd) == 0;
  if (!written || !closed) {
    ::unlink(path.c_str());
    throw std::runtime_error(path + ": could not write the secret");
  }
  return Trimmed(secret);
}

std::string ReadPopSecretFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read the PoP's secret key file");
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  secret = Trimmed(secret);
  if (secret.size() < 16) throw std::runtime_error(path + ": the secret must be at least 16 bytes");
  return secret;
}

FederationIdentity ReadPopPublicKeysFile(const std::string& path, const RoutingCatalog& catalog) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read the PoP public keys file");
  FederationIdentity keys;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = path + ":" + std::to_string(number) + ": ";
    line = Trimmed(line);
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string pop, key, extra;
    if (!(fields >> pop >> key) || (fields >> extra)) {
      throw std::runtime_error(where + "expected 'POP-ID PUBLIC-KEY-HEX', got '" + line + "'");
    }
    const bool in_scenario =
        std::any_of(catalog.pops.begin(), catalog.pops.end(), [&](const PopInfo& p) { return p.id == pop; });
    if (!in_scenario) throw std::runtime_error(where + "PoP '" + pop + "' is not in the scenario");
    try {
      keys.AddPublicKey(pop, key);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(where + e.what());
    }
  }
  return keys;
}

}  // namespace cdnlab
