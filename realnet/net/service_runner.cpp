#include "realnet/net/service_runner.h"

#include <chrono>

#include <CLI/Error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "realnet/net/log_line.h"
#include "scenarios/core/ipv4_text.h"

namespace cdnlab::cli {

void RunUntilSignalled(boost::asio::io_context& io, double for_s, const std::function<void()>& stop) {
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  boost::asio::steady_timer deadline(io);
  const auto finish = [&] {
    stop();
    io.stop();
  };
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) finish();
  });
  if (for_s > 0) {
    deadline.expires_after(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(for_s)));
    deadline.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) finish();
    });
  }
  io.run();
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
