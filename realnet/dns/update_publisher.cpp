#include "realnet/dns/update_publisher.h"

#include <memory>

#include <fmt/format.h>

#include "realnet/dns/ldns_ptr.h"

namespace cdnlab {
namespace {

bool PushRr(ldns_rr_list* list, const std::string& text) {
  ldns_rr* rr = nullptr;
  if (ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK) return false;
  ldns_rr_list_push_rr(list, rr);
  return true;
}

// "Delete an RRset" in an update is the owner with class ANY, TTL 0 and no rdata (RFC 2136 2.5.2).
void PushDeleteRrset(ldns_rr_list* list, const std::string& owner) {
  ldns_rr* rr = ldns_rr_new();
  ldns_rr_set_owner(rr, ldns_dname_new_frm_str(owner.c_str()));
  ldns_rr_set_type(rr, LDNS_RR_TYPE_A);
  ldns_rr_set_class(rr, LDNS_RR_CLASS_ANY);
  ldns_rr_set_ttl(rr, 0);
  ldns_rr_list_push_rr(list, rr);
}

}  // namespace

DnsUpdatePublisher::DnsUpdatePublisher(RoutingCatalog catalog, DnsUpdateTarget target, MetricsSink& metrics)
    : catalog_(std::move(catalog)), target_(std::move(target)), metrics_(metrics) {}

void DnsUpdatePublisher::Apply(const MappingDiff& diff) {
  const Ipv4Prefix everything{Ipv4Address{0}, 0};
  const MappingEntry* row = nullptr;
  for (const auto& upsert : diff.upserts) {
    if (upsert.prefix == everything) row = &upsert;
  }
  bool removed = false;
  for (const auto& prefix : diff.removals) removed = removed || prefix == everything;
  if (row == nullptr && !removed) return;  // the default row did not change

  const std::string owner = target_.hostname + ".";
  LdnsPtr<ldns_rr_list> updates(ldns_rr_list_new());
  PushDeleteRrset(updates.get(), owner);
  if (row != nullptr && !row->ranked_pops.empty()) {
    for (const auto& server : catalog_.pops.at(row->ranked_pops.front()).servers) {
      PushRr(updates.get(), fmt::format("{} {} IN A {}", owner, target_.ttl.count(), server.ToString()));
    }
  }

  LdnsPtr<ldns_rdf> zone(ldns_dname_new_frm_str((target_.zone + ".").c_str()));
  LdnsPtr<ldns_pkt> update(ldns_update_pkt_new(ldns_rdf_clone(zone.get()), LDNS_RR_CLASS_IN, nullptr, updates.get(), nullptr));
  ldns_rr_list_free(updates.release());  // the records now belong to the packet; free the list itself

  LdnsPtr<ldns_resolver> resolver(ldns_resolver_new());
  LdnsPtr<ldns_rdf> address(ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, target_.server.address.ToString().c_str()));
  ldns_resolver_push_nameserver(resolver.get(), address.get());
  ldns_resolver_set_port(resolver.get(), target_.server.port);
  ldns_resolver_set_usevc(resolver.get(), true);  // TCP: updates can be large
  ldns_resolver_set_timeout(resolver.get(), timeval{static_cast<time_t>(target_.timeout.count()), 0});
  ldns_resolver_set_retry(resolver.get(), 1);
  ldns_resolver_set_tsig_keyname(resolver.get(), (target_.key_name + ".").c_str());
  ldns_resolver_set_tsig_keydata(resolver.get(), target_.key_secret.c_str());
  ldns_resolver_set_tsig_algorithm(resolver.get(), (target_.algorithm + ".").c_str());

  ldns_status status = ldns_update_pkt_tsig_add(update.get(), resolver.get());
  ldns_pkt* raw_answer = nullptr;
  if (status == LDNS_STATUS_OK) status = ldns_resolver_send_pkt(&raw_answer, resolver.get(), update.get());
  LdnsPtr<ldns_pkt> answer(raw_answer);
  std::string error;
  if (status != LDNS_STATUS_OK) {
    error = ldns_get_errorstr_by_id(status);
  } else if (answer == nullptr) {
    error = "no reply";
  } else if (ldns_pkt_get_rcode(answer.get()) != LDNS_RCODE_NOERROR) {
    char* rcode = ldns_pkt_rcode2str(ldns_pkt_get_rcode(answer.get()));
    error = std::string("server answered ") + (rcode ? rcode : "?");
    free(rcode);
  }
  if (error.empty()) {
    ++accepted_;
    metrics_.Count("dns.rfc2136_updates", 1);
  } else {
    ++failed_;
    last_error_ = fmt::format("update of {} to {} failed: {}", target_.zone, target_.server.ToString(), error);
    metrics_.Count("dns.rfc2136_failures", 1);
  }
}

}  // namespace cdnlab
