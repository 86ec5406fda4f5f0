#include "sim/routing/authoritative_dns_server.h"

#include "sim/net/metric_names.h"

namespace cdnlab {

AuthoritativeDnsServer::AuthoritativeDnsServer(Ipv4Address address, AuthoritativeAnswerer& answerer,
                                               DatagramTransport& transport, Clock& clock, MetricsSink& metrics)
    : address_(address), answerer_(answerer), transport_(transport), clock_(clock), metrics_(metrics) {}

AuthoritativeDnsServer::~AuthoritativeDnsServer() { Stop(); }

void AuthoritativeDnsServer::Start() {
  if (running_) return;
  transport_.Bind({address_, kDnsPort}, [this](const Endpoint& from, const Bytes& p) { OnQuery(from, p); });
  transport_.Bind({address_, kConfigPort}, [this](const Endpoint& from, const Bytes& p) { OnConfig(from, p); });
  running_ = true;
}

void AuthoritativeDnsServer::Stop() {
  if (!running_) return;
  transport_.Unbind({address_, kDnsPort});
  transport_.Unbind({address_, kConfigPort});
  running_ = false;
}

void AuthoritativeDnsServer::OnQuery(const Endpoint& from, const Bytes& payload) {
  const auto message = DecodeSimMessage(payload);
  const auto* query = message ? std::get_if<SimDnsQuery>(&*message) : nullptr;
  if (query == nullptr) {
    ++malformed_;
    return;
  }
  DnsQuestion question = query->question;
  question.source = from.address;
  const DnsAnswer answer = answerer_.Answer(question);
  ++answered_;
  const auto rcode = static_cast<std::size_t>(answer.rcode);
  if (rcode < answered_by_rcode_.size()) ++answered_by_rcode_[rcode];
  CountIpv6(question, answer);
  transport_.Send({address_, kDnsPort}, from, EncodeSimMessage(SimDnsResponse{query->id, answer}));
}

void AuthoritativeDnsServer::CountIpv6(const DnsQuestion& question, const DnsAnswer& answer) {
  if (question.qtype == static_cast<std::uint16_t>(DnsType::kAaaa)) {
    ++aaaa_queries_;
    metrics_.Count(sim_metric::kDnsAaaaQueries, 1);
  }
  if (!question.client_subnet || !question.client_subnet->IsV6()) return;
  ++ecs6_queries_;
  metrics_.Count(sim_metric::kDnsEcs6Queries, 1);
  // A non-zero scope says an IPv6 row decided; the default row answers with scope 0.
  if (answer.rcode == DnsRcode::kNoError && answer.scope_prefix_length.value_or(0) > 0) {
    ++ecs6_answered_by_row_;
    metrics_.Count(sim_metric::kDnsEcs6AnsweredByRow, 1);
  }
}

void AuthoritativeDnsServer::OnConfig(const Endpoint& from, const Bytes& payload) {
  const auto message = DecodeSimMessage(payload);
  const auto* chunk = message ? std::get_if<MappingDiffChunk>(&*message) : nullptr;
  if (chunk == nullptr) {
    ++malformed_;
    return;
  }
  const Endpoint self{address_, kConfigPort};
  // A version we already hold was applied before: the pusher only missed our ack.
  if (chunk->to_version <= ReplicaVersion()) {
    transport_.Send(self, from, EncodeSimMessage(MappingDiffAck{ReplicaVersion()}));
    return;
  }
  auto& parts = partial_[{chunk->from_version, chunk->to_version}];
  if (parts.size() != chunk->count) parts.assign(chunk->count, std::nullopt);
  parts[chunk->index] = *chunk;
  for (const auto& part : parts) {
    if (!part) return;
  }
  MappingDiff diff;
  diff.from_version = chunk->from_version;
  diff.to_version = chunk->to_version;
  for (const auto& part : parts) {
    diff.upserts.insert(diff.upserts.end(), part->upserts.begin(), part->upserts.end());
    diff.removals.insert(diff.removals.end(), part->removals.begin(), part->removals.end());
  }
  partial_.erase({chunk->from_version, chunk->to_version});
  // Out of order (from_version ahead of us) is dropped; the pusher sends strictly in order
  // and retransmits, so the missing version will come.
  if (answerer_.ApplyDiff(diff)) {
    metrics_.Sample(sim_metric::kDnsReplicaVersion, clock_.Now(), static_cast<double>(ReplicaVersion()));
    transport_.Send(self, from, EncodeSimMessage(MappingDiffAck{ReplicaVersion()}));
  }
}

}  // namespace cdnlab
