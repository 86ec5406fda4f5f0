#include "realnet/net/service_runner.h"

#include <chrono>

#include <CLI/App.hpp>
#include <CLI/Error.hpp>
#include <CLI/Validators.hpp>
#include <fmt/format.h>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "realnet/net/log_line.h"
#include "scenarios/core/ipv4_text.h"

namespace cdnlab::cli {

ServiceRunner::ServiceRunner(boost::asio::io_context& io, std::string who) : io_(io), who_(std::move(who)) {}

void ServiceRunner::Run(const ServiceHooks& hooks, RunLimits limits) {
  const auto log = LineLogger(who_);
  boost::asio::signal_set stops(io_, SIGINT, SIGTERM);
  boost::asio::signal_set hangups(io_, SIGHUP);
  boost::asio::steady_timer deadline(io_);
  boost::asio::steady_timer drain_poll(io_);
  const auto seconds = [](double s) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(s));
  };
  bool stopped = false;
  const auto finish = [&] {
    if (stopped) return;
    stopped = true;
    stops.cancel();
    hangups.cancel();
    deadline.cancel();
    drain_poll.cancel();
    hooks.stop();
    io_.stop();
  };
  std::chrono::steady_clock::time_point drain_until;
  std::function<void()> wait_drained = [&] {
    if (!hooks.drained || hooks.drained()) return finish();
    if (std::chrono::steady_clock::now() >= drain_until) {
      log(fmt::format("drain timeout ({} s) reached with work in flight; stopping", limits.drain_timeout_s));
      return finish();
    }
    drain_poll.expires_after(std::chrono::milliseconds(20));
    drain_poll.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) wait_drained();
    });
  };
  const auto begin_drain = [&](const std::string& why) {
    if (draining_) return;
    draining_ = true;
    log("draining (" + why + "): no new work, finishing what is in flight");
    for (const auto& callback : on_draining_) callback();
    if (hooks.drain) hooks.drain();
    drain_until = std::chrono::steady_clock::now() + seconds(limits.drain_timeout_s);
    wait_drained();
  };
  std::function<void()> wait_stop = [&] {
    stops.async_wait([&](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      if (draining_) {  // asked twice: the operator does not want to wait
        log("second stop signal during the drain; stopping now");
        return finish();
      }
      begin_drain(signal == SIGINT ? "SIGINT" : "SIGTERM");
      wait_stop();
    });
  };
  std::function<void()> wait_hangup = [&] {
    hangups.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      if (!hooks.reload) {
        log("SIGHUP refused: this service has nothing to reload (restart it to change its configuration)");
      } else if (draining_) {
        log("SIGHUP refused: draining");
      } else {
        std::string error;
        try {
          error = hooks.reload();
        } catch (const std::exception& e) {
          error = e.what();
        }
        if (error.empty()) {
          ++reloads_;
        } else {
          ++reloads_failed_;
          log("reload failed, keeping the previous configuration: " + error);
        }
      }
      wait_hangup();
    });
  };
  wait_stop();
  wait_hangup();
  if (limits.for_s > 0) {
    deadline.expires_after(seconds(limits.for_s));
    deadline.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) begin_drain("--for elapsed");
    });
  }
  io_.run();
  if (!stopped) finish();  // the io_context ran out of work on its own
}

void RunUntilSignalled(boost::asio::io_context& io, double for_s, const std::function<void()>& stop,
                       const std::string& who) {
  ServiceRunner runner(io, who);
  ServiceHooks hooks;
  hooks.stop = stop;
  runner.Run(hooks, RunLimits{for_s, 0});
}

void AddDrainTimeoutFlag(CLI::App* cmd, double& drain_timeout_s) {
  cmd->add_option("--drain-timeout", drain_timeout_s,
                  "On SIGTERM/SIGINT: stop accepting new work, then wait at most this many seconds for work in "
                  "flight before stopping")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
}

Endpoint ParseEndpointFlag(const std::string& text, const std::string& flag) {
  const auto colon = text.rfind(':');
  const auto address = colon == std::string::npos ? std::nullopt : ParseIpv4Address(text.substr(0, colon));
  int port = -1;
  if (address && colon + 1 < text.size() && text.size() - colon - 1 <= 5 &&
      text.find_first_not_of("0123456789", colon + 1) == std::string::npos) {
    port = std::stoi(text.substr(colon + 1));
  }
  if (!address || port < 0 || port > 65535 || address->value == 0) {
    throw CLI::ValidationError(flag, "expected IPV4:PORT like 127.0.0.1:8080, got '" + text + "'");
  }
  return Endpoint{*address, static_cast<std::uint16_t>(port)};
}

boost::asio::ip::udp::endpoint ParseListenFlag(const std::string& text, const std::string& flag) {
  const auto fail = [&] {
    return CLI::ValidationError(flag, "expected IPV4:PORT like 127.0.0.1:5300 or [IPV6]:PORT like [::1]:5300, got '" +
                                          text + "'");
  };
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 >= text.size() || text.size() - colon - 1 > 5 ||
      text.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
    throw fail();
  }
  const int port = std::stoi(text.substr(colon + 1));
  std::string host = text.substr(0, colon);
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  // IPv6 must be bracketed (its own colons), IPv4 must not.
  if (ec || port > 65535 || address.is_v6() != bracketed) throw fail();
  return {address, static_cast<std::uint16_t>(port)};
}

std::function<void(const std::string&)> LineLogger(const std::string& who) {
  return [who](const std::string& line) { WriteLogLine(who, "info", line); };
}

}  // namespace cdnlab::cli
