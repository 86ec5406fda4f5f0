#pragma once
// One page view of a simulated user carrying the real-user-measurement (RUM) tool: the page's
// content is resolved and downloaded from the CDN like any download while the tool embedded in
// the page fetches a small test object from one server of each candidate PoP (in parallel, as
// a browser does) and sends what it timed as a beacon datagram to the collector.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/ports/clock.h"
#include "models/ports/datagram_transport.h"
#include "models/ports/name_resolver.h"
#include "models/ports/object_fetcher.h"
#include "models/routing/beacon.h"
#include "models/routing/catalog.h"
#include "models/routing/family_chooser.h"

namespace cdnlab {

struct RumPageViewConfig {
  std::string hostname = "cdn.example.net";
  std::uint16_t server_port = 80;
  std::uint64_t page_bytes = 20 * 1000;         // the page's content, fetched from the answered server
  std::uint64_t test_object_bytes = 10 * 1000;  // fetched from each candidate
  Endpoint collector;                           // where beacons go
  std::uint16_t beacon_port = 40080;            // the client host's bound beacon socket
};

// What one page view cost on the wire, for the measurement-overhead numbers.
struct RumPageViewReport {
  GroupIndex group = 0;
  std::size_t test_fetches = 0;
  std::uint64_t test_bytes = 0;    // test-object bytes received
  std::uint64_t beacon_bytes = 0;  // 0 when no beacon was sent
  Beacon beacon;                   // as sent (client left unset: the collector takes it from the transport)
};

// Runs once; keeps itself alive (shared_from_this) until its last callback. The tool does not
// wait for the page's content: the tag sits in the provider's HTML (not modelled, taken as
// delivered) and runs as the page loads, so RUM still reports while the CDN's PoP serving the
// page is down; a test fetch to a dead PoP reports ok=false once the fetcher gives up.
class RumPageView : public std::enable_shared_from_this<RumPageView> {
 public:
  using Done = std::function<void(const RumPageViewReport&)>;

  // `candidates` are the PoPs the page was told to test (chosen when the page was served);
  // the client must have bound config.beacon_port on `transport`. Throws std::invalid_argument
  // for an unknown group or a candidate that is not a PoP with servers.
  // `family` is the one the page is loaded over (resolved with AAAA and fetched from the IPv6
  // server for kV6). The tool's tests and beacon stay on IPv4: the collector knows clients
  // by their IPv4 address, and a dual-stack group's IPv6 path is its IPv4 path.
  RumPageView(const RoutingCatalog& catalog, NameResolver& resolver, ObjectFetcher& fetcher,
              DatagramTransport& transport, Clock& clock, GroupIndex group, std::vector<PopIndex> candidates,
              std::string page_view_id, RumPageViewConfig config, IpFamily family = IpFamily::kV4);

  // Resolves and downloads the page and, meanwhile, tests the candidates and sends the beacon;
  // `done` once both have finished (also when nothing could be tested: then no beacon).
  void Start(Done done);

  // The server of `pop` a client of `group` tests: spread over the PoP's servers by group.
  static Ipv4Address TestServer(const PopInfo& pop, GroupIndex group);
  // rtt_ms from a fetch: time to first byte when the fetcher measured it, else half the
  // elapsed time (a small object over a fresh connection takes about two round trips).
  static BeaconTiming TimingOf(const std::string& pop_id, const FetchResult& fetch);

 private:
  void PartDone();
  void TestCandidates();
  void OnTestDone(std::size_t index, const FetchResult& fetch);
  void SendBeacon();

  const RoutingCatalog& catalog_;
  NameResolver& resolver_;
  ObjectFetcher& fetcher_;
  DatagramTransport& transport_;
  Clock& clock_;
  RumPageViewConfig config_;
  IpFamily family_;
  std::vector<PopIndex> candidates_;
  RumPageViewReport report_;
  std::vector<BeaconTiming> timings_;  // by candidate position
  std::size_t outstanding_ = 0;  // test fetches in flight
  int parts_left_ = 0;
  Done done_;
};

}  // namespace cdnlab
