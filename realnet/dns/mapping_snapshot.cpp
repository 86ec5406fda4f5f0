#include "realnet/dns/mapping_snapshot.h"

#include <limits>
#include <stdexcept>
#include <variant>

#include <nlohmann/json.hpp>

#include "models/core/json_walk.h"
#include "realnet/dns/wire_codec.h"
#include "scenarios/core/ip_text.h"
#include "scenarios/core/ipv4_text.h"
#include "scenarios/core/ipv6_text.h"

namespace cdnlab {
namespace {

using nlohmann::json;
namespace jw = json_walk;
constexpr const char* kFormat = "cdnlab-mapping-snapshot/1";

json Addresses(const std::vector<Ipv4Address>& list) {
  json out = json::array();
  for (const auto& a : list) out.push_back(a.ToString());
  return out;
}

std::string Text(const json& j, const std::string& path) {
  if (!j.is_string()) jw::Fail(path, "expected a string");
  return j.get<std::string>();
}

std::uint64_t Unsigned(const json& j, const std::string& path, std::uint64_t max) {
  if (!j.is_number_unsigned() || j.get<std::uint64_t>() > max) jw::Fail(path, "expected a whole number up to " + std::to_string(max));
  return j.get<std::uint64_t>();
}

std::string DnsName(const json& j, const std::string& path) {
  const std::string name = Text(j, path);
  if (EncodeDnsName(name).empty()) jw::Fail(path, "not a domain name");
  return name;
}

std::vector<Ipv4Address> ReadAddresses(const json& j, const std::string& path) {
  if (!j.is_array()) jw::Fail(path, "expected an array of IPv4 addresses");
  std::vector<Ipv4Address> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto a = ParseIpv4Address(Text(j[i], jw::At(path, i)));
    if (!a) jw::Fail(jw::At(path, i), "not an IPv4 address");
    out.push_back(*a);
  }
  return out;
}

json BodyOf(const MappingSnapshot& s) {
  const ZoneApex& apex = s.dns.apex;
  json name_servers = json::array();
  for (const auto& ns : apex.name_servers) name_servers.push_back({{"name", ns.name}, {"addresses", Addresses(ns.glue)}});
  json pops = json::array();
  for (const auto& p : s.pops) {
    json servers6 = json::array();
    for (const auto& a : p.servers6) servers6.push_back(a.ToString());
    pops.push_back({{"id", p.id}, {"servers", Addresses(p.servers)}, {"servers6", servers6}});
  }
  json rows = json::array();
  for (const auto& r : s.rows) rows.push_back({{"prefix", r.prefix.ToString()}, {"pops", r.ranked_pops}});
  return {{"version", s.version},
          {"zone", s.dns.zone},
          {"hostname", s.dns.hostname},
          {"ttl_ms", std::chrono::duration_cast<std::chrono::milliseconds>(s.dns.ttl).count()},
          {"use_client_subnet", s.dns.use_client_subnet},
          {"scope_aggregation", s.dns.scope_aggregation},
          {"apex",
           {{"mname", apex.mname}, {"rname", apex.rname}, {"refresh_s", apex.refresh_s}, {"retry_s", apex.retry_s},
            {"expire_s", apex.expire_s}, {"minimum_s", apex.minimum_s}, {"ttl_s", apex.ttl_s},
            {"name_servers", name_servers}}},
          {"pops", pops},
          {"rows", rows}};
}

MappingSnapshot ReadBody(const json& b) {
  jw::RequireObject(b, "", {"version", "zone", "hostname", "ttl_ms", "use_client_subnet", "scope_aggregation", "apex",
                            "pops", "rows"});
  MappingSnapshot s;
  const std::uint64_t max32 = std::numeric_limits<std::uint32_t>::max() >> 1;  // RFC 2181 8: 31-bit TTLs
  s.version = Unsigned(jw::Required(b, "", "version"), "version", std::numeric_limits<std::uint32_t>::max());
  if (s.version == 0) jw::Fail("version", "a published version starts at 1");
  s.dns.zone = DnsName(jw::Required(b, "", "zone"), "zone");
  s.dns.hostname = DnsName(jw::Required(b, "", "hostname"), "hostname");
  s.dns.ttl = std::chrono::milliseconds(Unsigned(jw::Required(b, "", "ttl_ms"), "ttl_ms", max32 * 1000));
  const json& ecs = jw::Required(b, "", "use_client_subnet");
  if (!ecs.is_boolean()) jw::Fail("use_client_subnet", "expected true or false");
  s.dns.use_client_subnet = ecs.get<bool>();
  const json& aggregation = jw::Required(b, "", "scope_aggregation");
  if (!aggregation.is_boolean()) jw::Fail("scope_aggregation", "expected true or false");
  s.dns.scope_aggregation = aggregation.get<bool>();

  const json& apex = jw::Required(b, "", "apex");
  jw::RequireObject(apex, "apex", {"mname", "rname", "refresh_s", "retry_s", "expire_s", "minimum_s", "ttl_s", "name_servers"});
  ZoneApex& z = s.dns.apex;
  z.mname = DnsName(jw::Required(apex, "apex", "mname"), "apex.mname");
  z.rname = DnsName(jw::Required(apex, "apex", "rname"), "apex.rname");
  z.refresh_s = static_cast<std::uint32_t>(Unsigned(jw::Required(apex, "apex", "refresh_s"), "apex.refresh_s", max32));
  z.retry_s = static_cast<std::uint32_t>(Unsigned(jw::Required(apex, "apex", "retry_s"), "apex.retry_s", max32));
  z.expire_s = static_cast<std::uint32_t>(Unsigned(jw::Required(apex, "apex", "expire_s"), "apex.expire_s", max32));
  z.minimum_s = static_cast<std::uint32_t>(Unsigned(jw::Required(apex, "apex", "minimum_s"), "apex.minimum_s", max32));
  z.ttl_s = static_cast<std::uint32_t>(Unsigned(jw::Required(apex, "apex", "ttl_s"), "apex.ttl_s", max32));
  const json& servers = jw::Required(apex, "apex", "name_servers");
  if (!servers.is_array() || servers.empty()) jw::Fail("apex.name_servers", "expected a non-empty array");
  for (std::size_t i = 0; i < servers.size(); ++i) {
    const std::string path = jw::At("apex.name_servers", i);
    jw::RequireObject(servers[i], path, {"name", "addresses"});
    z.name_servers.push_back({DnsName(jw::Required(servers[i], path, "name"), path + ".name"),
                              ReadAddresses(jw::Required(servers[i], path, "addresses"), path + ".addresses")});
  }

  const json& pops = jw::Required(b, "", "pops");
  if (!pops.is_array()) jw::Fail("pops", "expected an array");
  for (std::size_t i = 0; i < pops.size(); ++i) {
    const std::string path = jw::At("pops", i);
    jw::RequireObject(pops[i], path, {"id", "servers", "servers6"});
    PopInfo pop;
    pop.id = Text(jw::Required(pops[i], path, "id"), path + ".id");
    pop.servers = ReadAddresses(jw::Required(pops[i], path, "servers"), path + ".servers");
    const json& servers6 = jw::Required(pops[i], path, "servers6");
    if (!servers6.is_array()) jw::Fail(path + ".servers6", "expected an array of IPv6 addresses");
    for (std::size_t k = 0; k < servers6.size(); ++k) {
      const auto a = ParseIpv6Address(Text(servers6[k], jw::At(path + ".servers6", k)));
      if (!a) jw::Fail(jw::At(path + ".servers6", k), "not an IPv6 address");
      pop.servers6.push_back(*a);
    }
    s.pops.push_back(pop);
  }
  const json& rows = jw::Required(b, "", "rows");
  if (!rows.is_array()) jw::Fail("rows", "expected an array");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string path = jw::At("rows", i);
    jw::RequireObject(rows[i], path, {"prefix", "pops"});
    MappingEntry row;
    auto prefix = ParseIpPrefix(Text(jw::Required(rows[i], path, "prefix"), path + ".prefix"));
    if (auto* problem = std::get_if<std::string>(&prefix)) jw::Fail(path + ".prefix", *problem);
    row.prefix = std::get<IpPrefix>(prefix);
    const json& ranked = jw::Required(rows[i], path, "pops");
    if (!ranked.is_array()) jw::Fail(path + ".pops", "expected an array of PoP indices");
    for (std::size_t k = 0; k < ranked.size(); ++k) {
      row.ranked_pops.push_back(static_cast<PopIndex>(Unsigned(ranked[k], jw::At(path + ".pops", k), s.pops.size() - 1)));
    }
    if (s.pops.empty() && !row.ranked_pops.empty()) jw::Fail(path + ".pops", "no PoPs to refer to");
    s.rows.push_back(row);
  }
  return s;
}

OpenedSnapshot Refuse(SnapshotRefusal why, std::string error) {
  OpenedSnapshot out;
  out.refusal = why;
  out.error = std::move(error);
  return out;
}

}  // namespace

AuthoritativeAnswerer MappingSnapshot::Answerer() const {
  RoutingCatalog catalog;
  catalog.pops = pops;
  AuthoritativeAnswerer answerer(catalog, dns);
  MappingDiff all;
  all.from_version = 0;
  all.to_version = version;
  all.upserts = rows;
  answerer.ApplyDiff(all);
  return answerer;
}

const char* SnapshotRefusalName(SnapshotRefusal r) {
  switch (r) {
    case SnapshotRefusal::kNone: return "none";
    case SnapshotRefusal::kCorrupt: return "corrupt";
    case SnapshotRefusal::kUnsigned: return "unsigned";
    case SnapshotRefusal::kUnknownSigner: return "unknown_signer";
    case SnapshotRefusal::kBadSignature: return "bad_signature";
    case SnapshotRefusal::kInvalid: return "invalid";
  }
  return "?";
}

std::string SignSnapshot(const MappingSnapshot& snapshot, const FederationIdentity& identity, const std::string& signer) {
  const std::string body = BodyOf(snapshot).dump();
  const auto signature = identity.Sign(signer, body);
  if (!signature) throw std::invalid_argument("no private key to sign snapshots as '" + signer + "'");
  return json{{"format", kFormat}, {"signer", signer}, {"body", body}, {"signature", *signature}}.dump();
}

OpenedSnapshot OpenSnapshot(const std::string& text, const FederationIdentity& identity, const std::string& signer) {
  const json envelope = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (envelope.is_discarded() || !envelope.is_object()) return Refuse(SnapshotRefusal::kCorrupt, "not a JSON object");
  const auto format = envelope.find("format");
  const auto body = envelope.find("body");
  if (format == envelope.end() || *format != kFormat || body == envelope.end() || !body->is_string()) {
    return Refuse(SnapshotRefusal::kCorrupt, std::string("not a ") + kFormat + " document");
  }
  const auto who = envelope.find("signer");
  const auto signature = envelope.find("signature");
  if (who == envelope.end() || signature == envelope.end() || !who->is_string() || !signature->is_string()) {
    return Refuse(SnapshotRefusal::kUnsigned, "no signer or signature");
  }
  if (who->get<std::string>() != signer || !identity.Knows(signer)) {
    return Refuse(SnapshotRefusal::kUnknownSigner, "signed by '" + who->get<std::string>() + "', expected '" + signer + "'");
  }
  if (!identity.Verify(signer, body->get<std::string>(), signature->get<std::string>())) {
    return Refuse(SnapshotRefusal::kBadSignature, "the signature does not match the body");
  }
  const json parsed = json::parse(body->get<std::string>(), nullptr, false);
  if (parsed.is_discarded()) return Refuse(SnapshotRefusal::kInvalid, "the signed body is not JSON");
  try {
    OpenedSnapshot out;
    out.snapshot = ReadBody(parsed);
    return out;
  } catch (const jw::Failure& f) {
    return Refuse(SnapshotRefusal::kInvalid, (f.path.empty() ? "" : f.path + ": ") + f.message);
  }
}

}  // namespace cdnlab
