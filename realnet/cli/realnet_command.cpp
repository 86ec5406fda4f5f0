#include "realnet/cli/realnet_command.h"

#include <iostream>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <fmt/format.h>

#include "realnet/real_dns_server.h"
#include "realnet/static_mapping_config.h"
#include "scenarios/ipv4_text.h"
#include "scenarios/scenario_error.h"

namespace cdnlab::cli {
namespace {

struct DnsOptions {
  std::string config;
  std::string listen = "127.0.0.1:5300";
};

Endpoint ParseListen(const std::string& text) {
  const auto colon = text.rfind(':');
  const auto address = colon == std::string::npos ? std::nullopt : ParseIpv4Address(text.substr(0, colon));
  int port = -1;
  if (address) {
    try {
      std::size_t used = 0;
      port = std::stoi(text.substr(colon + 1), &used);
      if (used != text.size() - colon - 1) port = -1;
    } catch (const std::exception&) {
      port = -1;
    }
  }
  if (!address || port < 0 || port > 65535) {
    throw CLI::ValidationError("--listen", "expected IPV4:PORT like 127.0.0.1:5300, got '" + text + "'");
  }
  return Endpoint{*address, static_cast<std::uint16_t>(port)};
}

void RunDns(const DnsOptions& options) {
  const StaticMappingConfig config = LoadStaticMappingFile(options.config);
  const Endpoint listen = ParseListen(options.listen);
  AuthoritativeAnswerer answerer(config.catalog, config.dns);
  MappingTable table;
  answerer.ApplyDiff(table.Replace(config.rows));

  boost::asio::io_context io;
  RealDnsServer server(io, answerer, listen);
  server.Start();
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    server.Stop();
    io.stop();
  });
  std::cerr << fmt::format("cdnlab realnet dns: {} on {}:{} (UDP and TCP), {} mapping rows\n", config.dns.hostname,
                           listen.address.ToString(), server.Port(), config.rows.size());
  io.run();
  const auto& s = server.Stats();
  std::cerr << fmt::format("cdnlab realnet dns: stopped after {} UDP and {} TCP queries ({} errors sent, {} dropped)\n",
                           s.udp_queries, s.tcp_queries, s.errors_sent, s.dropped);
}

}  // namespace

void AddRealnetCommand(CLI::App& app) {
  CLI::App* realnet = app.add_subcommand("realnet", "Run cdnlab's policies on real sockets and real DNS");
  realnet->require_subcommand(1);
  auto options = std::make_shared<DnsOptions>();
  CLI::App* dns = realnet->add_subcommand("dns", "Serve the CDN hostname from a mapping (EDNS Client Subnet aware)");
  dns->add_option("config", options->config, "Static mapping YAML (zone, hostname, ttl_s, pops, mapping)")->required();
  dns->add_option("--listen", options->listen, "IPV4:PORT to serve on (UDP and TCP)")->capture_default_str();
  dns->callback([options] {
    try {
      RunDns(*options);
    } catch (const ScenarioError& e) {
      std::cerr << e.what() << '\n';
      throw CLI::RuntimeError(1);
    }
  });
}

}  // namespace cdnlab::cli
