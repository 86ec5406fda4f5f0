#include "realnet/dns/fuzz_harness.h"

#include <cstdlib>

#include <boost/asio/io_context.hpp>

#include "models/routing/mapping_table.h"
#include "realnet/dns/authoritative_server.h"

namespace cdnlab {
namespace {

// Built once: the fuzzer calls us millions of times. PoP a is dual-stack, b IPv4 only, so
// fuzzed AAAA queries reach answers, NODATA and both families' rows.
RoutingCatalog TwoPops() {
  RoutingCatalog catalog;
  Ipv6Address a6;
  a6.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0xa, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  catalog.pops = {{"a", {}, {Ipv4Address{0xC000020A}}, 1, {a6}}, {"b", {}, {Ipv4Address{0xC6336414}}, 1}};
  return catalog;
}

// 2001:db8:1::/48, the IPv6 row a fuzzed ECS family 2 option may land in.
Ipv6Prefix FuzzIpv6Row() {
  Ipv6Address network;
  network.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 1};
  return Ipv6Prefix::Of(network, 48);
}

struct FuzzWorld {
  FuzzWorld()
      : catalog(TwoPops()),
        answerer(catalog, AuthoritativeConfig{"example.net", "cdn.example.net", std::chrono::seconds(30)}) {
    MappingTable table;
    answerer.ApplyDiff(table.Replace({{Ipv4Prefix{Ipv4Address{0x0A010000}, 24}, {0, 1}},
                                      {Ipv4Prefix{Ipv4Address{0}, 0}, {1}},
                                      {FuzzIpv6Row(), {0}}}));
    server = std::make_unique<RealDnsServer>(io, answerer, Endpoint{Ipv4Address{0x7F000001}, 0});
  }
  RoutingCatalog catalog;
  AuthoritativeAnswerer answerer;
  boost::asio::io_context io;
  std::unique_ptr<RealDnsServer> server;
};

void CheckReply(const Bytes& reply, const std::uint8_t* query, std::size_t size) {
  if (reply.empty()) return;
  // A reply must be a response with the query's id: anything else is a server bug.
  if (reply.size() < 12 || (reply[2] & 0x80) == 0 || size < 2 || reply[0] != query[0] || reply[1] != query[1]) {
    std::abort();
  }
}

}  // namespace

void FuzzDnsServerOnce(const std::uint8_t* data, std::size_t size) {
  static FuzzWorld world;
  CheckReply(world.server->Respond(data, size, Ipv4Address{0x0A010005}, true), data, size);
  CheckReply(world.server->Respond(data, size, Ipv4Address{0x0A020005}, false), data, size);
}

}  // namespace cdnlab
