#include "models/routing/authoritative_answerer.h"

#include "models/routing/resolver_cache.h"
#include "models/routing/server_slot.h"

namespace cdnlab {
namespace {

constexpr std::uint16_t kAxfr = 252;
constexpr std::uint16_t kIxfr = 251;

bool InZone(const std::string& name, const std::string& zone) {
  return name == zone || (name.size() > zone.size() && name.compare(name.size() - zone.size(), zone.size(), zone) == 0 &&
                          name[name.size() - zone.size() - 1] == '.');
}

}  // namespace

AuthoritativeConfig WithApexDefaults(AuthoritativeConfig config) {
  config.zone = CanonicalDnsName(config.zone);
  config.hostname = CanonicalDnsName(config.hostname);
  ZoneApex& apex = config.apex;
  if (apex.name_servers.empty()) apex.name_servers.push_back(ZoneNameServer{"ns1." + config.zone, {}});
  for (auto& ns : apex.name_servers) ns.name = CanonicalDnsName(ns.name);
  apex.mname = apex.mname.empty() ? apex.name_servers.front().name : CanonicalDnsName(apex.mname);
  apex.rname = apex.rname.empty() ? "hostmaster." + config.zone : CanonicalDnsName(apex.rname);
  return config;
}

AuthoritativeAnswerer::AuthoritativeAnswerer(const RoutingCatalog& catalog, AuthoritativeConfig config)
    : config_(WithApexDefaults(std::move(config))) {
  for (const auto& pop : catalog.pops) {
    pop_servers_.push_back(pop.servers);
    pop_servers6_.push_back(pop.servers6);
    pop_ids_.push_back(pop.id);
  }
}

bool AuthoritativeAnswerer::ApplyDiff(const MappingDiff& diff) {
  if (!table_.Apply(diff)) return false;
  // Per mapping version, not per query; Answer() only reads it.
  if (config_.use_client_subnet && config_.scope_aggregation) scopes_.Rebuild(table_);
  return true;
}

DnsAnswer AuthoritativeAnswerer::Answer(const DnsQuestion& question) const {
  DnsAnswer answer;
  const std::string name = CanonicalDnsName(question.qname);
  const auto qtype = static_cast<DnsType>(question.qtype);
  if (!InZone(name, config_.zone) || question.qtype == kAxfr || question.qtype == kIxfr) {
    answer.rcode = DnsRcode::kRefused;
    return answer;
  }
  // Answers below do not depend on the client's subnet: scope 0 (RFC 7871 7.2.1).
  if (question.client_subnet && name != config_.hostname) answer.scope_prefix_length = 0;
  if (name == config_.zone) {
    answer.ttl = std::chrono::seconds(config_.apex.ttl_s);
    if (qtype == DnsType::kSoa || qtype == DnsType::kAny) answer.data = DnsAnswerData::kApexSoa;
    if (qtype == DnsType::kNs) answer.data = DnsAnswerData::kApexNs;
    return answer;  // other types: NODATA
  }
  for (const auto& ns : config_.apex.name_servers) {
    if (name != ns.name) continue;
    answer.ttl = std::chrono::seconds(config_.apex.ttl_s);
    if (qtype == DnsType::kA || qtype == DnsType::kAny) answer.addresses = ns.glue;
    return answer;
  }
  if (name != config_.hostname) {
    answer.rcode = DnsRcode::kNxDomain;
    answer.ttl = config_.ttl;
    return answer;
  }
  if (qtype != DnsType::kA && qtype != DnsType::kAaaa && qtype != DnsType::kAny) {
    answer.ttl = config_.ttl;  // NODATA
    return answer;
  }

  // Client subnet first (RFC 7871), then the resolver's own address (which also reaches the
  // default row). The scope tells the resolver how widely it may reuse the answer. Mapping by
  // resolver ignores the subnet altogether (and says so with scope 0 below).
  // An IPv6 subnet (ECS family 2) is matched by IPv6 rows only, an IPv4 one by IPv4 rows.
  const MappingEntry* row = nullptr;
  IpAddress key = question.source;
  if (question.client_subnet && config_.use_client_subnet) {
    row = table_.Lookup(question.client_subnet->Network());
    key = question.client_subnet->Network();
    if (row != nullptr && row->prefix.Length() == 0) row = nullptr;  // only a real subnet row counts
  }
  std::optional<MappingEntry> chosen;
  if (row != nullptr) {
    chosen = *row;
    answer.scope_prefix_length = row->prefix.Length();
    if (config_.scope_aggregation) {
      // The widest scope that is still true; the server is hashed from it so that every
      // subnet inside the scope gets this very answer (same PoP, same server).
      if (const std::optional<IpPrefix> widest = scopes_.WidestScope(key)) {
        answer.scope_prefix_length = widest->Length();
        key = widest->Network();
      }
    }
  } else {
    const MappingEntry* by_resolver = table_.Lookup(question.source);
    // The default row 0.0.0.0/0 stands for every client: also a resolver asking over IPv6 that
    // no IPv6 row covers.
    if (by_resolver == nullptr) by_resolver = table_.Find(IpPrefix{});
    if (by_resolver != nullptr) chosen = *by_resolver;
    key = question.source;
    if (question.client_subnet) {
      // Mapping by resolver: the subnet was not looked at, so the answer is valid for all
      // (scope 0, RFC 7871 7.2.1). Mapping by subnet, but this subnet has no row (yet): the
      // answer still depends on the subnet (other subnets have rows), so it may be reused only
      // for this very subnet; scope 0 would let the resolver hand it to all its clients.
      answer.scope_prefix_length = config_.use_client_subnet ? question.client_subnet->Length() : 0;
    }
  }
  if (!chosen || chosen->ranked_pops.empty()) {
    answer.rcode = DnsRcode::kServFail;
    return answer;
  }
  const PopIndex pop = chosen->ranked_pops.front();
  // A row naming no PoP this answerer knows, or a PoP without servers: nothing to answer with.
  if (pop >= pop_servers_.size() || (pop_servers_[pop].empty() && pop_servers6_[pop].empty())) {
    answer.rcode = DnsRcode::kServFail;
    return answer;
  }
  const auto& servers = pop_servers_[pop];
  answer.ttl = config_.ttl;
  answer.pop = pop;
  if (qtype == DnsType::kAaaa) {
    // The same PoP and server slot as the A answer; NODATA when the PoP has no IPv6.
    const auto& servers6 = pop_servers6_[pop];
    if (!servers6.empty()) answer.addresses6.push_back(servers6[ServerSlot(key, servers6.size())]);
    return answer;
  }
  if (!servers.empty()) answer.addresses.push_back(servers[ServerSlot(key, servers.size())]);  // else NODATA
  return answer;
}

}  // namespace cdnlab
