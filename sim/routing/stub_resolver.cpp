#include "sim/routing/stub_resolver.h"

#include <stdexcept>

#include "sim/routing/dns_message.h"

namespace cdnlab {

SimStubResolver::SimStubResolver(const RoutingCatalog& catalog, DatagramTransport& transport, TimerScheduler& timers,
                                 Duration timeout)
    : catalog_(catalog), groups_(catalog), transport_(transport), timers_(timers), timeout_(timeout) {
  for (GroupIndex g = 0; g < catalog.groups.size(); ++g) {
    if (const auto host = catalog.groups[g].Representative6()) groups6_.emplace(*host, g);
  }
}

SimStubResolver::~SimStubResolver() {
  for (auto& [client, queries] : pending_) {
    for (auto& [id, p] : queries) timers_.Cancel(p.timer);
    transport_.Unbind({client, kPort});
  }
}

Endpoint SimStubResolver::ResolverFor(const IpAddress& client) const {
  std::optional<GroupIndex> group;
  if (client.IsV4()) {
    group = groups_.GroupOf(client.V4());
  } else if (auto it = groups6_.find(client.V6()); it != groups6_.end()) {
    group = it->second;
  }
  if (!group) throw std::invalid_argument("no client group has host " + client.ToString());
  const ResolverInfo& resolver = catalog_.resolvers.at(catalog_.groups[*group].resolver);
  if (client.IsV4()) return Endpoint{resolver.address, 53};
  if (!resolver.address6) throw std::invalid_argument("resolver " + resolver.id + " has no IPv6 address");
  return Endpoint{*resolver.address6, 53};
}

void SimStubResolver::Resolve(const IpAddress& client, const std::string& hostname, Done done) {
  const Endpoint resolver = ResolverFor(client);
  const Endpoint local{client, kPort};
  auto [host, first_use] = pending_.try_emplace(client);
  if (first_use) {
    transport_.Bind(local, [this, client](const Endpoint&, const Bytes& payload) { OnResponse(client, payload); });
  }
  while (host->second.count(next_id_) != 0 || next_id_ == 0) ++next_id_;
  const std::uint16_t id = next_id_++;
  SimDnsQuery query;
  query.id = id;
  query.question.qname = hostname;
  if (client.IsV6()) query.question.qtype = static_cast<std::uint16_t>(DnsType::kAaaa);
  const TimerId timer = timers_.ScheduleAfter(timeout_, [this, client, id] {
    auto& queries = pending_[client];
    auto it = queries.find(id);
    if (it == queries.end()) return;
    Done d = std::move(it->second.done);
    queries.erase(it);
    ResolveResult r;
    r.timed_out = true;
    d(r);
  });
  host->second[id] = Pending{std::move(done), timer};
  transport_.Send(local, resolver, EncodeSimMessage(query));
}

void SimStubResolver::OnResponse(const IpAddress& client, const Bytes& payload) {
  const auto message = DecodeSimMessage(payload);
  const auto* response = message ? std::get_if<SimDnsResponse>(&*message) : nullptr;
  if (response == nullptr) return;
  auto& queries = pending_[client];
  auto it = queries.find(response->id);
  if (it == queries.end()) return;
  timers_.Cancel(it->second.timer);
  Done d = std::move(it->second.done);
  queries.erase(it);
  ResolveResult r;
  r.rcode = response->answer.rcode;
  r.addresses = response->answer.addresses;
  r.addresses6 = response->answer.addresses6;
  r.ttl = response->answer.ttl;
  d(r);
}

}  // namespace cdnlab
