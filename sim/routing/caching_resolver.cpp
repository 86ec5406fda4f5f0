#include "sim/routing/caching_resolver.h"

#include "sim/net/metric_names.h"

namespace cdnlab {

CachingResolver::CachingResolver(Ipv4Address address, Endpoint authoritative, bool sends_client_subnet,
                                 DatagramTransport& transport, Clock& clock, TimerScheduler& timers,
                                 MetricsSink& metrics, std::optional<Ipv6Address> address6)
    : local_{address, kPort},
      authoritative_(authoritative),
      sends_client_subnet_(sends_client_subnet),
      transport_(transport),
      clock_(clock),
      timers_(timers),
      metrics_(metrics) {
  if (address6) local6_ = Endpoint{*address6, kPort};
}

CachingResolver::~CachingResolver() { Stop(); }

void CachingResolver::Start() {
  if (running_) return;
  transport_.Bind(local_, [this](const Endpoint& from, const Bytes& p) { OnDatagram(from, p); });
  if (local6_) transport_.Bind(*local6_, [this](const Endpoint& from, const Bytes& p) { OnDatagram(from, p); });
  running_ = true;
}

void CachingResolver::Stop() {
  for (auto& [id, p] : pending_) {
    if (p.timer) timers_.Cancel(*p.timer);
  }
  pending_.clear();
  if (running_) transport_.Unbind(local_);
  if (running_ && local6_) transport_.Unbind(*local6_);
  running_ = false;
}

std::optional<DnsAnswer> CachingResolver::CachedAnswer(const std::string& qname, const IpAddress& client,
                                                       SimTime now, std::uint16_t qtype) const {
  const auto hit = cache_.Peek(qname, client, now, qtype);
  if (!hit) return std::nullopt;
  return hit->answer;
}

void CachingResolver::OnDatagram(const Endpoint& from, const Bytes& payload) {
  const auto message = DecodeSimMessage(payload);
  if (!message) return;
  if (const auto* q = std::get_if<SimDnsQuery>(&*message)) {
    OnClientQuery(from, *q);
  } else if (const auto* r = std::get_if<SimDnsResponse>(&*message)) {
    if (from == authoritative_) OnUpstreamResponse(*r);
  }
}

void CachingResolver::OnClientQuery(const Endpoint& from, const SimDnsQuery& query) {
  cache_.PurgeExpired(clock_.Now());
  if (auto hit = cache_.Lookup(query.question.qname, from.address, clock_.Now(), query.question.qtype)) {
    DnsAnswer answer = hit->answer;
    answer.ttl = hit->remaining_ttl;
    Reply(from, query.id, answer);
    return;
  }
  // Ids wrap; skip any still in use so two pending queries never share one.
  while (pending_.count(next_id_) != 0 || next_id_ == 0) ++next_id_;
  const std::uint16_t id = next_id_++;
  Pending p;
  p.client = from;
  p.client_id = query.id;
  p.question = query.question;
  p.question.source = local_.address;
  p.question.client_subnet.reset();
  if (sends_client_subnet_) {
    p.question.client_subnet =
        IpPrefix::Of(from.address, from.address.IsV6() ? kClientSubnetLength6 : kClientSubnetLength);
  }
  pending_[id] = p;
  SendUpstream(id);
}

void CachingResolver::SendUpstream(std::uint16_t id) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  Pending& p = it->second;
  if (p.attempts == 2) {
    DnsAnswer failure;
    failure.rcode = DnsRcode::kServFail;
    const Endpoint client = p.client;
    const std::uint16_t client_id = p.client_id;
    pending_.erase(it);
    Reply(client, client_id, failure);
    return;
  }
  ++p.attempts;
  ++upstream_queries_;
  metrics_.Count(sim_metric::kDnsUpstreamQueries, 1);
  transport_.Send(local_, authoritative_, EncodeSimMessage(SimDnsQuery{id, p.question}));
  p.timer = timers_.ScheduleAfter(std::chrono::seconds(1), [this, id] {
    auto again = pending_.find(id);
    if (again == pending_.end()) return;
    again->second.timer.reset();
    SendUpstream(id);
  });
}

void CachingResolver::OnUpstreamResponse(const SimDnsResponse& response) {
  auto it = pending_.find(response.id);
  if (it == pending_.end()) return;
  Pending p = it->second;
  pending_.erase(it);
  if (p.timer) timers_.Cancel(*p.timer);
  const DnsAnswer& answer = response.answer;
  if (answer.rcode == DnsRcode::kNoError || answer.rcode == DnsRcode::kNxDomain) {
    // Scope 0 (or no ECS at all) means the answer holds for every client of this resolver.
    std::optional<IpPrefix> scope;
    if (answer.scope_prefix_length && *answer.scope_prefix_length > 0) {
      scope = IpPrefix::Of(p.client.address, *answer.scope_prefix_length);
    }
    cache_.Insert(p.question.qname, scope, answer, clock_.Now(), p.question.qtype);
  }
  Reply(p.client, p.client_id, answer);
}

void CachingResolver::Reply(const Endpoint& client, std::uint16_t id, const DnsAnswer& answer) {
  transport_.Send(LocalFor(client), client, EncodeSimMessage(SimDnsResponse{id, answer}));
}

}  // namespace cdnlab
