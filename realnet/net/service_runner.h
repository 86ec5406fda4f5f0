#pragma once
// What every long-running `cdnlab realnet` service command shares: running until a signal or a
// time limit, parsing IPV4:PORT flags, and one-line logs on stderr.
#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "models/net/endpoint.h"
#include "models/net/ipv4.h"

namespace cdnlab::cli {

// Runs `io` until SIGINT/SIGTERM or `for_s` seconds (when > 0), then calls `stop`.
void RunUntilSignalled(boost::asio::io_context& io, double for_s, const std::function<void()>& stop);

// "127.0.0.1:8080" -> Endpoint; anything else (or 0.0.0.0) is a CLI::ValidationError naming `flag`.
Endpoint ParseEndpointFlag(const std::string& text, const std::string& flag);

// "127.0.0.1:53", "[::1]:53" or "[::]:53" -> an address to listen on (either family); anything
// else is a CLI::ValidationError naming `flag`.
boost::asio::ip::udp::endpoint ParseListenFlag(const std::string& text, const std::string& flag);

// One stderr line per event, prefixed with who speaks (flushed: tests read these logs live),
// as text or JSON (realnet/net/log_line.h: the process's --log-format).
std::function<void(const std::string&)> LineLogger(const std::string& who);

}  // namespace cdnlab::cli
