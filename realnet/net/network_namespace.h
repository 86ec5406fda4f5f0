#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

namespace cdnlab {

// A Linux network namespace that exists exactly as long as this object: created with
// `ip netns add`, deleted (with every process still in it killed) on destruction.
class NetworkNamespace {
 public:
  explicit NetworkNamespace(std::string name);  // throws std::runtime_error
  ~NetworkNamespace();
  NetworkNamespace(const NetworkNamespace&) = delete;
  NetworkNamespace& operator=(const NetworkNamespace&) = delete;

  const std::string& Name() const { return name_; }

  // Moves a link (e.g. a tap) from the root namespace into this one.
  void AdoptLink(const std::string& link);
  // Addresses the link (CIDR strings), brings it and lo up, and routes everything via `gateway`.
  void ConfigureLink(const std::string& link, const std::vector<std::string>& cidrs, const std::string& gateway);
  // Addresses a further link (after ConfigureLink) with one host address `cidr`. Packets from that
  // address leave through this link via `gateway` (a routing rule and `table` of its own), so a
  // namespace with several links sends each address's traffic out of its own link.
  void ConfigureSourceRoutedLink(const std::string& link, const std::string& cidr, const std::string& gateway,
                                 int table);
  // Runs a command inside the namespace and waits; throws with its output on failure.
  void Run(const std::vector<std::string>& argv) const;
  // Starts a command inside the namespace in the background; stdout/stderr go to `log_path`.
  pid_t Spawn(const std::vector<std::string>& argv, const std::string& log_path);

 private:
  std::string name_;
  std::vector<pid_t> children_;
};

// Runs a command (no shell) and waits; throws std::runtime_error with its output on failure.
void RunChecked(const std::vector<std::string>& argv);

}  // namespace cdnlab
