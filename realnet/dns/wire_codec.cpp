#include "realnet/dns/wire_codec.h"

#include <ldns/ldns.h>

#include <cstdlib>
#include <memory>

#include <fmt/format.h>

namespace cdnlab {
namespace {

constexpr std::uint16_t kEdnsClientSubnet = 8;   // RFC 7871 option code
constexpr std::uint16_t kResponseUdpSize = 1232;  // the DNS flag day 2020 recommendation
constexpr std::size_t kHeaderBytes = 12;

struct PacketFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
using PacketPtr = std::unique_ptr<ldns_pkt, PacketFree>;

std::string OwnedString(char* s) {
  std::string out = s != nullptr ? s : "";
  std::free(s);
  return out;
}

ParsedQuery Error(ParsedQuery p, DnsRcode rcode, std::string why) {
  p.verdict = QueryVerdict::kError;
  p.error_rcode = rcode;
  p.why = std::move(why);
  return p;
}

// Reads the client-subnet option; returns an error text when it breaks RFC 7871.
std::optional<std::string> ReadClientSubnet(const std::uint8_t* d, std::size_t n, WireQuery& q) {
  if (n < 4) return "client subnet option shorter than 4 bytes";
  ClientSubnetOption ecs;
  ecs.family = static_cast<std::uint16_t>((d[0] << 8) | d[1]);
  ecs.source_prefix_length = d[2];
  const std::uint8_t scope = d[3];
  const std::size_t max_bits = ecs.family == 1 ? 32 : ecs.family == 2 ? 128 : 0;
  if (max_bits == 0) return fmt::format("client subnet family {} is neither IPv4 nor IPv6", ecs.family);
  if (ecs.source_prefix_length > max_bits) return "client subnet source prefix longer than the address";
  if (scope != 0) return "client subnet scope must be 0 in a query";
  const std::size_t address_bytes = (ecs.source_prefix_length + 7u) / 8u;
  if (n - 4 != address_bytes) return "client subnet address length does not match its prefix length";
  ecs.address.assign(d + 4, d + n);
  if (ecs.source_prefix_length % 8 != 0 && address_bytes > 0) {
    const std::uint8_t host_bits = static_cast<std::uint8_t>(0xFF >> (ecs.source_prefix_length % 8));
    if ((ecs.address.back() & host_bits) != 0) return "client subnet address has bits set beyond its prefix";
  }
  if (ecs.family == 1) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | (i < ecs.address.size() ? ecs.address[i] : 0);
    q.question.client_subnet = Ipv4Prefix{Ipv4Address{v}, ecs.source_prefix_length};
  }
  q.client_subnet = std::move(ecs);
  return std::nullopt;
}

ldns_rr* NewRr(const std::string& text) {
  ldns_rr* rr = nullptr;
  if (ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK) return nullptr;
  return rr;
}

Bytes ToWire(ldns_pkt* p) {
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  if (ldns_pkt2wire(&wire, p, &size) != LDNS_STATUS_OK) return {};
  Bytes out(wire, wire + size);
  std::free(wire);
  return out;
}

void AddClientSubnetEcho(ldns_pkt* p, const ClientSubnetOption& ecs, std::uint8_t scope) {
  Bytes data{static_cast<std::uint8_t>(ecs.family >> 8), static_cast<std::uint8_t>(ecs.family & 0xFF),
             ecs.source_prefix_length, scope};
  data.insert(data.end(), ecs.address.begin(), ecs.address.end());
  ldns_edns_option_list* list = ldns_edns_option_list_new();
  ldns_edns_option_list_push(list, ldns_edns_new_from_data(static_cast<ldns_edns_option_code>(kEdnsClientSubnet), data.size(), data.data()));
  ldns_pkt_set_edns_option_list(p, list);
}

}  // namespace

ParsedQuery ParseDnsQuery(const std::uint8_t* data, std::size_t size) {
  ParsedQuery p;
  if (data == nullptr || size < kHeaderBytes) {
    p.why = "shorter than a DNS header";
    return p;
  }
  p.query.id = static_cast<std::uint16_t>((data[0] << 8) | data[1]);
  p.query.opcode = (data[2] >> 3) & 0x0F;
  p.query.recursion_desired = (data[2] & 0x01) != 0;
  if ((data[2] & 0x80) != 0) {
    p.why = "a response, not a query";  // answering responses invites reflection loops
    return p;
  }
  ldns_pkt* raw = nullptr;
  const ldns_status status = ldns_wire2pkt(&raw, data, size);
  PacketPtr pkt(raw);
  if (status != LDNS_STATUS_OK) return Error(p, DnsRcode::kFormErr, ldns_get_errorstr_by_id(status));
  if (p.query.opcode != LDNS_PACKET_QUERY) return Error(p, DnsRcode::kNotImp, "opcode is not QUERY");
  if (ldns_pkt_qdcount(pkt.get()) != 1) return Error(p, DnsRcode::kFormErr, "question count is not 1");
  ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(pkt.get()), 0);
  if (question == nullptr) return Error(p, DnsRcode::kFormErr, "no question");
  if (ldns_rr_get_class(question) != LDNS_RR_CLASS_IN) return Error(p, DnsRcode::kRefused, "class is not IN");
  p.query.question.qname = OwnedString(ldns_rdf2str(ldns_rr_owner(question)));
  p.query.question.qtype = static_cast<std::uint16_t>(ldns_rr_get_type(question));

  if (ldns_pkt_edns(pkt.get())) {
    p.query.has_edns = true;
    p.query.udp_payload_size = std::max<std::uint16_t>(512, ldns_pkt_edns_udp_size(pkt.get()));
    if (ldns_edns_option_list* options = ldns_pkt_edns_get_option_list(pkt.get())) {
      for (std::size_t i = 0; i < ldns_edns_option_list_get_count(options); ++i) {
        ldns_edns_option* o = ldns_edns_option_list_get_option(options, i);
        if (ldns_edns_get_code(o) != kEdnsClientSubnet) continue;
        if (p.query.client_subnet) return Error(p, DnsRcode::kFormErr, "more than one client subnet option");
        if (auto problem = ReadClientSubnet(ldns_edns_get_data(o), ldns_edns_get_size(o), p.query)) {
          return Error(p, DnsRcode::kFormErr, *problem);
        }
      }
    }
  }
  p.verdict = QueryVerdict::kAnswer;
  return p;
}

Bytes BuildDnsResponse(const WireQuery& query, const DnsAnswer& answer, const ZoneInfo& zone, bool over_udp) {
  const std::size_t limit = over_udp ? (query.has_edns ? query.udp_payload_size : 512) : 65535;
  for (const bool truncated : {false, true}) {
    PacketPtr r(ldns_pkt_new());
    ldns_pkt_set_id(r.get(), query.id);
    ldns_pkt_set_qr(r.get(), true);
    ldns_pkt_set_aa(r.get(), answer.rcode != DnsRcode::kRefused);
    ldns_pkt_set_rd(r.get(), query.recursion_desired);
    ldns_pkt_set_opcode(r.get(), LDNS_PACKET_QUERY);
    ldns_pkt_set_rcode(r.get(), static_cast<std::uint8_t>(answer.rcode));
    ldns_pkt_set_tc(r.get(), truncated);
    ldns_rr* q = ldns_rr_new();
    ldns_rr_set_owner(q, ldns_dname_new_frm_str(query.question.qname.c_str()));
    ldns_rr_set_type(q, static_cast<ldns_rr_type>(query.question.qtype));
    ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
    ldns_rr_set_question(q, true);
    ldns_pkt_push_rr(r.get(), LDNS_SECTION_QUESTION, q);
    if (!truncated) {
      const auto ttl = std::chrono::duration_cast<std::chrono::seconds>(answer.ttl).count();
      for (const auto& a : answer.addresses) {
        if (ldns_rr* rr = NewRr(fmt::format("{}. {} IN A {}", zone.hostname, ttl, a.ToString()))) {
          ldns_pkt_push_rr(r.get(), LDNS_SECTION_ANSWER, rr);
        }
      }
      // Negative answers carry the zone's SOA so resolvers can cache them (RFC 2308).
      const bool negative = answer.rcode == DnsRcode::kNxDomain ||
                            (answer.rcode == DnsRcode::kNoError && answer.addresses.empty());
      if (negative) {
        const std::string soa = fmt::format("{0}. {1} IN SOA ns1.{0}. hostmaster.{0}. {2} 3600 600 86400 {1}", zone.zone,
                                            zone.negative_ttl_s, zone.serial);
        if (ldns_rr* rr = NewRr(soa)) ldns_pkt_push_rr(r.get(), LDNS_SECTION_AUTHORITY, rr);
      }
    }
    if (query.has_edns) {
      ldns_pkt_set_edns_udp_size(r.get(), kResponseUdpSize);
      if (query.client_subnet) {
        // Scope 0 says "this answer does not depend on your subnet" (also for IPv6, unmapped).
        AddClientSubnetEcho(r.get(), *query.client_subnet, answer.scope_prefix_length.value_or(0));
      }
    }
    Bytes wire = ToWire(r.get());
    if (wire.size() <= limit || truncated) return wire;
  }
  return {};
}

Bytes BuildDnsError(const std::uint8_t* data, std::size_t size, DnsRcode rcode) {
  if (data == nullptr || size < 3) return {};
  PacketPtr r(ldns_pkt_new());
  ldns_pkt_set_id(r.get(), static_cast<std::uint16_t>((data[0] << 8) | data[1]));
  ldns_pkt_set_qr(r.get(), true);
  ldns_pkt_set_opcode(r.get(), static_cast<ldns_pkt_opcode>((data[2] >> 3) & 0x0F));
  ldns_pkt_set_rd(r.get(), (data[2] & 0x01) != 0);
  ldns_pkt_set_rcode(r.get(), static_cast<std::uint8_t>(rcode));
  return ToWire(r.get());
}

}  // namespace cdnlab
