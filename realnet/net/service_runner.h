#pragma once
// What every long-running `cdnlab realnet` service command shares: running until a signal or a
// time limit (with a graceful drain), reloading on SIGHUP, parsing IPV4:PORT flags, and
// one-line logs on stderr.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "models/net/endpoint.h"
#include "models/net/ipv4.h"

namespace CLI {
class App;
}

namespace cdnlab::cli {

// What a service hands the runner. Only `stop` is required.
struct ServiceHooks {
  // SIGTERM, SIGINT or --for: stop taking new work (close listeners) but finish what is in flight.
  std::function<void()> drain;
  // True once the in-flight work is done (polled during the drain; empty = done at once).
  std::function<bool()> drained;
  // The end: persist state, close everything. Runs once, after the drain or its timeout.
  std::function<void()> stop;
  // SIGHUP: re-read the configuration files; returns "" when applied, else why nothing changed
  // (the old configuration stays). Empty = this service reloads nothing: SIGHUP is refused with
  // a log line (never silently ignored).
  std::function<std::string()> reload;
};

struct RunLimits {
  double for_s = 0;             // > 0: drain and stop after this many seconds
  double drain_timeout_s = 10;  // the longest a drain waits for in-flight work
};

// Runs `io` on the calling thread until SIGINT/SIGTERM or `for_s`: then drains (hooks.drain,
// then waits until hooks.drained() or drain_timeout_s; a second SIGINT/SIGTERM cuts it short),
// calls hooks.stop and returns. SIGHUP calls hooks.reload and logs the outcome.
class ServiceRunner {
 public:
  ServiceRunner(boost::asio::io_context& io, std::string who);

  // The drain hook for health checks: true from the first stop signal on (a /healthz answers
  // 503 "draining" then, so load balancers stop sending before the listeners close).
  bool Draining() const { return draining_; }
  // Called (in order) when the drain starts, before hooks.drain: e.g. flip a health object.
  void OnDraining(std::function<void()> callback) { on_draining_.push_back(std::move(callback)); }

  void Run(const ServiceHooks& hooks, RunLimits limits);
  std::uint64_t Reloads() const { return reloads_; }
  std::uint64_t ReloadsFailed() const { return reloads_failed_; }

 private:
  boost::asio::io_context& io_;
  std::string who_;
  bool draining_ = false;
  std::vector<std::function<void()>> on_draining_;
  std::uint64_t reloads_ = 0;
  std::uint64_t reloads_failed_ = 0;
};

// ServiceRunner with only a stop hook: SIGTERM stops at once, SIGHUP is refused with a log line.
void RunUntilSignalled(boost::asio::io_context& io, double for_s, const std::function<void()>& stop,
                       const std::string& who = "service");

// --drain-timeout S on a service command.
void AddDrainTimeoutFlag(CLI::App* cmd, double& drain_timeout_s);

// "127.0.0.1:8080" -> Endpoint; anything else (or 0.0.0.0) is a CLI::ValidationError naming `flag`.
Endpoint ParseEndpointFlag(const std::string& text, const std::string& flag);

// "127.0.0.1:53", "[::1]:53" or "[::]:53" -> an address to listen on (either family); anything
// else is a CLI::ValidationError naming `flag`.
boost::asio::ip::udp::endpoint ParseListenFlag(const std::string& text, const std::string& flag);

// One stderr line per event, prefixed with who speaks (flushed: tests read these logs live),
// as text or JSON (realnet/net/log_line.h: the process's --log-format).
std::function<void(const std::string&)> LineLogger(const std::string& who);

}  // namespace cdnlab::cli
