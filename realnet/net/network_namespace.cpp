#include "realnet/net/network_namespace.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace cdnlab {
namespace {

std::string Join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

pid_t SpawnTo(const std::vector<std::string>& argv, const std::string& log_path) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start: " + Join(argv));
  return pid;
}

}  // namespace

void RunChecked(const std::vector<std::string>& argv) {
  char log[] = "/tmp/cdnlab-cmd-XXXXXX";
  const int fd = mkstemp(log);
  if (fd >= 0) close(fd);
  const pid_t pid = SpawnTo(argv, log);
  int status = 0;
  waitpid(pid, &status, 0);
  std::ifstream in(log);
  std::stringstream output;
  output << in.rdbuf();
  std::remove(log);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("command failed: " + Join(argv) + "\n" + output.str());
  }
}

NetworkNamespace::NetworkNamespace(std::string name) : name_(std::move(name)) {
  RunChecked({"ip", "netns", "add", name_});
}

NetworkNamespace::~NetworkNamespace() {
  for (pid_t pid : children_) kill(pid, SIGTERM);
  for (pid_t pid : children_) {
    // Give each child 2 s to exit cleanly, then kill it.
    for (int i = 0; i < 20; ++i) {
      if (waitpid(pid, nullptr, WNOHANG) != 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (i == 19) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
  }
  try {
    RunChecked({"ip", "netns", "del", name_});
  } catch (const std::exception&) {
    // Nothing more to do in a destructor; the name carries our pid for manual cleanup.
  }
}

void NetworkNamespace::AdoptLink(const std::string& link) { RunChecked({"ip", "link", "set", link, "netns", name_}); }

void NetworkNamespace::ConfigureLink(const std::string& link, const std::vector<std::string>& cidrs,
                                     const std::string& gateway) {
  // IPv6 would only add router solicitations and DAD noise to the emulated links.
  Run({"sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"});
  Run({"ip", "link", "set", "lo", "up"});
  for (const auto& cidr : cidrs) Run({"ip", "addr", "add", cidr, "dev", link});
  Run({"ip", "link", "set", link, "up"});
  Run({"ip", "route", "add", "default", "via", gateway, "dev", link});
}

void NetworkNamespace::ConfigureSourceRoutedLink(const std::string& link, const std::string& cidr,
                                                 const std::string& gateway, int table) {
  const std::string address = cidr.substr(0, cidr.find('/'));
  const std::string table_id = std::to_string(table);
  Run({"ip", "addr", "add", cidr, "dev", link});
  Run({"ip", "link", "set", link, "up"});
  Run({"ip", "route", "add", "default", "via", gateway, "dev", link, "table", table_id});
  Run({"ip", "rule", "add", "from", address, "table", table_id});
}

void NetworkNamespace::Run(const std::vector<std::string>& argv) const {
  std::vector<std::string> full{"ip", "netns", "exec", name_};
  full.insert(full.end(), argv.begin(), argv.end());
  RunChecked(full);
}

pid_t NetworkNamespace::Spawn(const std::vector<std::string>& argv, const std::string& log_path) {
  std::vector<std::string> full{"ip", "netns", "exec", name_};
  full.insert(full.end(), argv.begin(), argv.end());
  const pid_t pid = SpawnTo(full, log_path);
  children_.push_back(pid);
  return pid;
}

}  // namespace cdnlab
