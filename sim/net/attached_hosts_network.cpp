#include "sim/net/attached_hosts_network.h"

#include <stdexcept>

#include <ns3/ipv4.h>

namespace cdnlab {

AttachedHostsNetwork::AttachedHostsNetwork(const Scenario& scenario, const std::vector<HostAttachment>& hosts,
                                           const std::string& what)
    : what_(what), graph_(scenario, hosts, what) {
  network_ = std::make_unique<SimNetwork>(graph_.Shape(), graph_.Graph());

  // SimNetwork creates the topology nodes first, in graph order; an attached host's only
  // link (interface 1 after loopback) is its access link, which holds its address.
  const ns3::NodeContainer all = network_->AllNodes();
  for (const auto& a : hosts) {
    Host& host = hosts_[a.node];
    host.node = all.Get(static_cast<std::uint32_t>(graph_.NodeOf(a.node)));
    ns3::Ptr<ns3::Ipv4> ipv4 = host.node->GetObject<ns3::Ipv4>();
    host.address = Ipv4Address{ipv4->GetAddress(1, 0).GetLocal().Get()};
    if (network_->NodeOf(host.address) != host.node) {
      throw std::logic_error(what + " '" + a.node + "' did not get the address of its access link");
    }
  }
}

const AttachedHostsNetwork::Host& AttachedHostsNetwork::Find(const std::string& host) const {
  auto it = hosts_.find(host);
  if (it == hosts_.end()) throw std::invalid_argument("no " + what_ + " '" + host + "' in the simulated network");
  return it->second;
}

Ipv4Address AttachedHostsNetwork::AddressOf(const std::string& host) const { return Find(host).address; }

ns3::Ptr<ns3::Node> AttachedHostsNetwork::NodeOf(const std::string& host) const { return Find(host).node; }

TopologyGraph::LinkId AttachedHostsNetwork::AccessLink(const std::string& host) const { return graph_.AccessLink(host); }

Duration AttachedHostsNetwork::Latency(const std::string& from_host, const std::string& to_host) const {
  return graph_.Latency(from_host, to_host);
}

void AttachedHostsNetwork::SetReachable(const std::string& host_id, bool reachable) {
  Find(host_id);
  Host& host = hosts_.at(host_id);
  const bool was_down = host.down > 0;
  host.down += reachable ? -1 : 1;
  if (host.down < 0) host.down = 0;
  const bool down = host.down > 0;
  if (down == was_down) return;
  // Receive-side loss of 1 at both ends: nothing crosses the access link either way.
  const TopologyGraph::LinkId access = graph_.AccessLink(host_id);
  LinkParams params = graph_.Graph().Link(access);
  params.loss = down ? 1.0 : 0.0;
  network_->SetLinkParams(access, params);
}

bool AttachedHostsNetwork::Reachable(const std::string& host) const { return Find(host).down == 0; }

}  // namespace cdnlab
