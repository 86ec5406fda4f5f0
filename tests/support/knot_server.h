#pragma once
// A real Knot DNS server for tests: zone, key and config written to a fresh temp dir,
// knotd started on 127.0.0.1 at a free port, stopped (and the dir removed) on destruction.
#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "tests/support/shell.h"

extern char** environ;

namespace cdnlab::testing {

class KnotServer {
 public:
  // `zone_records` are extra lines for the zone file (owner names relative to the zone).
  KnotServer(const std::string& zone, const std::string& key_name, const std::string& key_secret,
             const std::string& zone_records) {
    dir_ = std::filesystem::temp_directory_path() / ("cdnlab-knot-" + std::to_string(getpid()) + "-" +
                                                     std::to_string(counter_++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    port_ = FreePort();
    std::ofstream(dir_ / (zone + ".zone")) << "$ORIGIN " << zone << ".\n$TTL 60\n"
                                           << "@ IN SOA ns1 hostmaster 1 3600 600 86400 30\n"
                                           << "@ IN NS ns1\nns1 IN A 127.0.0.1\n"
                                           << zone_records << "\n";
    std::ofstream(dir_ / "knot.conf") << "server:\n    rundir: \"" << dir_.string() << "\"\n"
                                      << "    listen: 127.0.0.1@" << port_ << "\n"
                                      << "    user: root:root\n"
                                      << "database:\n    storage: \"" << dir_.string() << "\"\n"
                                      << "log:\n  - target: stderr\n    any: warning\n"
                                      << "key:\n  - id: " << key_name << "\n    algorithm: hmac-sha256\n"
                                      << "    secret: " << key_secret << "\n"
                                      << "acl:\n  - id: updaters\n    key: " << key_name << "\n    action: update\n"
                                      << "zone:\n  - domain: " << zone << "\n    storage: \"" << dir_.string()
                                      << "\"\n    file: " << zone << ".zone\n    acl: updaters\n"
                                      << "    zonefile-sync: -1\n    journal-content: changes\n";
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
    // Ready when it answers for its zone; give up after 10 s.
    for (int i = 0; i < 100; ++i) {
      if (Kdig(zone + " SOA +short").output.find("hostmaster") != std::string::npos) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    Stop();
    throw std::runtime_error("knotd did not come up; log in " + log);
  }
  ~KnotServer() {
    Stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  KnotServer(const KnotServer&) = delete;
  KnotServer& operator=(const KnotServer&) = delete;

  std::uint16_t Port() const { return port_; }
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
