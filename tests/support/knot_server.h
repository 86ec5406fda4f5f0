#pragma once
// A real Knot DNS server for tests: zone, key and config written to a fresh temp dir,
// knotd started on 127.0.0.1 at a free port, stopped (and the dir removed) on destruction.
// Tests may add configuration (KnotExtraConfig), e.g. a module attached to the zone.
#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "tests/support/shell.h"

extern char** environ;

namespace cdnlab::testing {

// Configuration a test adds to the server's knot.conf; `{dir}` in it becomes the server's
// temp dir (e.g. a module's config file kept there).
struct KnotExtraConfig {
  std::string server;    // lines under `server:`, 4-space indented ("    edns-client-subnet: on\n")
  std::string sections;  // whole top-level sections placed before `zone:` (a `mod-geoip:` list)
  std::string zone;      // lines under the zone, 4-space indented ("    module: mod-geoip/cdn\n")
  // Files (name in the temp dir, content) written before knotd starts: knotd refuses to start
  // when a module's config file is missing.
  std::vector<std::pair<std::string, std::string>> files;
};

class KnotServer {
 public:
  // `zone_records` are extra lines for the zone file (owner names relative to the zone).
  KnotServer(const std::string& zone, const std::string& key_name, const std::string& key_secret,
             const std::string& zone_records, KnotExtraConfig extra = {}) {
    dir_ = std::filesystem::temp_directory_path() / ("cdnlab-knot-" + std::to_string(getpid()) + "-" +
                                                     std::to_string(counter_++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / (zone + ".zone")) << "$ORIGIN " << zone << ".\n$TTL 60\n"
                                           << "@ IN SOA ns1 hostmaster 1 3600 600 86400 30\n"
                                           << "@ IN NS ns1\nns1 IN A 127.0.0.1\n"
                                           << zone_records << "\n";
    for (const auto& [name, content] : extra.files) std::ofstream(dir_ / name) << content;
    // The free port is only free when asked: a test running beside may take it before knotd
    // binds it. Then knotd says so, and another port is tried.
    for (int attempt = 1;; ++attempt) {
      port_ = FreePort();
      if (TryStart(zone, key_name, key_secret, extra)) return;
      const std::string why = Log();
      if (attempt < 5 && why.find("address already in use") != std::string::npos) continue;
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
      throw std::runtime_error("knotd did not come up:\n" + why);
    }
  }
  ~KnotServer() {
    Stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  KnotServer(const KnotServer&) = delete;
  KnotServer& operator=(const KnotServer&) = delete;

  std::uint16_t Port() const { return port_; }
  const std::filesystem::path& Dir() const { return dir_; }
  // Where knotd listens for knotc (its rundir).
  std::string ControlSocket() const { return (dir_ / "knot.sock").string(); }
  // knotd's own log (warnings and errors), for failure messages.
  std::string Log() const {
    std::ifstream in(dir_ / "knotd.log");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ShellResult Kdig(const std::string& args) const {
    return RunShell("kdig @127.0.0.1 -p " + std::to_string(port_) + " +time=2 +retry=0 " + args);
  }

 private:
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  std::string InDir(std::string text) const {
    for (auto at = text.find("{dir}"); at != std::string::npos; at = text.find("{dir}", at)) {
      text.replace(at, 5, dir_.string());
    }
    return text;
  }
  // Writes knot.conf for port_, starts knotd and waits until it serves the zone; false (knotd
  // stopped) when it exits or does not answer within 10 s.
  bool TryStart(const std::string& zone, const std::string& key_name, const std::string& key_secret,
                const KnotExtraConfig& extra) {
    std::ofstream(dir_ / "knot.conf") << "server:\n    rundir: \"" << dir_.string() << "\"\n"
                                      << "    listen: 127.0.0.1@" << port_ << "\n"
                                      << "    user: root:root\n"
                                      << InDir(extra.server)
                                      << "database:\n    storage: \"" << dir_.string() << "\"\n"
                                      << "log:\n  - target: stderr\n    any: warning\n"
                                      << "key:\n  - id: " << key_name << "\n    algorithm: hmac-sha256\n"
                                      << "    secret: " << key_secret << "\n"
                                      << "acl:\n  - id: updaters\n    key: " << key_name << "\n    action: update\n"
                                      << InDir(extra.sections)
                                      << "zone:\n  - domain: " << zone << "\n    storage: \"" << dir_.string()
                                      << "\"\n    file: " << zone << ".zone\n    acl: updaters\n"
                                      << "    zonefile-sync: -1\n    journal-content: changes\n"
                                      << InDir(extra.zone);
    const std::string conf = (dir_ / "knot.conf").string();
    const std::string log = (dir_ / "knotd.log").string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    char* argv[] = {const_cast<char*>("knotd"), const_cast<char*>("-c"), const_cast<char*>(conf.c_str()), nullptr};
    const int rc = posix_spawnp(&pid_, "knotd", &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start knotd (is the knot package installed?)");
    // Ready when it answers for its zone; give up after 10 s, or at once when knotd exits
    // (e.g. it refuses its configuration). Its control socket appears once it serves, so no
    // query is sent (and lost, costing kdig's 2 s timeout) before.
    for (int i = 0; i < 500; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      if (std::filesystem::exists(ControlSocket()) &&
          Kdig(zone + " SOA +short").output.find("hostmaster") != std::string::npos) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    Stop();
    return false;
  }

  static std::uint16_t FreePort() {
    boost::asio::io_context io;
    boost::asio::ip::udp::socket s(io, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address_v4("127.0.0.1"), 0));
    return s.local_endpoint().port();
  }

  static inline int counter_ = 0;
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace cdnlab::testing
