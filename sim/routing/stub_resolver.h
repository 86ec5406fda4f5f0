#pragma once
#include <map>
#include <optional>
#include <unordered_map>

#include "models/net/ip_address_hash.h"
#include "models/ports/datagram_transport.h"
#include "models/ports/name_resolver.h"
#include "models/ports/timer_scheduler.h"
#include "models/routing/group_prefix_index.h"
#include "models/routing/catalog.h"

namespace cdnlab {

// The stub resolver of every client host in the simulation: sends the query from the
// client's host (port 5353) to the recursive resolver its group uses, and gives up after
// `timeout`. One socket per client host, queries matched by id. A dual-stack group's IPv6 host
// asks AAAA over IPv6, at the resolver's IPv6 address.
class SimStubResolver final : public NameResolver {
 public:
  static constexpr std::uint16_t kPort = 5353;

  SimStubResolver(const RoutingCatalog& catalog, DatagramTransport& transport, TimerScheduler& timers,
                  Duration timeout = std::chrono::seconds(3));
  ~SimStubResolver() override;
  void Resolve(const IpAddress& client, const std::string& hostname, Done done) override;

 private:
  struct Pending {
    Done done;
    TimerId timer = 0;
  };
  void OnResponse(const IpAddress& client, const Bytes& payload);
  // The resolver a client host asks, at the address of the client's family.
  Endpoint ResolverFor(const IpAddress& client) const;

  const RoutingCatalog& catalog_;
  GroupPrefixIndex groups_;  // client host -> its group (and so its resolver)
  std::map<Ipv6Address, GroupIndex> groups6_;  // the same for dual-stack groups' IPv6 hosts
  DatagramTransport& transport_;
  TimerScheduler& timers_;
  Duration timeout_;
  // By client host, then id; hashed (one lookup per query and per answer at 100,000 groups).
  std::unordered_map<IpAddress, std::unordered_map<std::uint16_t, Pending>, IpAddressHash> pending_;
  std::uint16_t next_id_ = 1;
};

}  // namespace cdnlab
