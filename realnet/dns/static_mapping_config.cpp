#include "realnet/dns/static_mapping_config.h"

#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "realnet/dns/wire_codec.h"
#include "scenarios/core/ip_text.h"
#include "scenarios/core/ipv4_text.h"
#include "scenarios/core/ipv6_text.h"
#include "scenarios/core/yaml_field_reader.h"

namespace cdnlab {
namespace {

std::vector<std::string> StringList(MapReader& m, const std::string& key, IssueLog& log) {
  std::vector<std::string> out;
  const auto items = m.Sequence(key, true, true);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].IsScalar()) {
      log.Add(items[i].Mark(), fmt::format("{}[{}]", m.FieldPath(key), i), "expected a string");
      continue;
    }
    out.push_back(items[i].Scalar());
  }
  return out;
}

// A DNS name an operator wrote: labels of 1..63 octets, 255 in all.
std::optional<std::string> DnsName(MapReader& m, const std::string& key, bool required) {
  auto v = m.String(key, required);
  if (v && EncodeDnsName(*v).empty()) {
    m.Error(key, fmt::format("'{}' is not a domain name (labels of 1 to 63 octets, 255 in all)", *v));
    return std::nullopt;
  }
  return v;
}

// name_servers and soa: the zone's apex.
void ReadApex(MapReader& top, IssueLog& log, AuthoritativeConfig& dns) {
  const auto servers = top.Sequence("name_servers", false, true);
  for (std::size_t i = 0; i < servers.size(); ++i) {
    MapReader m(servers[i], fmt::format("name_servers[{}]", i), log, {"name", "addresses"});
    if (!m.Valid()) continue;
    ZoneNameServer ns;
    if (auto v = DnsName(m, "name", true)) ns.name = *v;
    for (const auto& text : StringList(m, "addresses", log)) {
      if (auto a = ParseIpv4Address(text)) {
        ns.glue.push_back(*a);
      } else {
        m.Error("addresses", fmt::format("expected IPv4 addresses, got '{}'", text));
      }
    }
    dns.apex.name_servers.push_back(ns);
  }
  if (auto soa = top.Mapping("soa", false)) {
    MapReader m(*soa, "soa", log, {"mname", "rname", "refresh_s", "retry_s", "expire_s", "minimum_s", "ttl_s"});
    if (!m.Valid()) return;
    if (auto v = DnsName(m, "mname", false)) dns.apex.mname = *v;
    if (auto v = DnsName(m, "rname", false)) dns.apex.rname = *v;
    const std::int64_t max = 2147483647;  // RFC 2181 8: TTLs and timers are 31-bit
    auto timer = [&](const char* key, std::uint32_t& out) {
      if (auto v = m.Integer(key, false, 0, max)) out = static_cast<std::uint32_t>(*v);
    };
    timer("refresh_s", dns.apex.refresh_s);
    timer("retry_s", dns.apex.retry_s);
    timer("expire_s", dns.apex.expire_s);
    timer("minimum_s", dns.apex.minimum_s);
    timer("ttl_s", dns.apex.ttl_s);
  }
}

}  // namespace

StaticMappingConfig LoadStaticMappingText(const std::string& yaml, const std::string& source_name) {
  IssueLog log(source_name);
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    log.Add(e.mark, "", "YAML syntax error: " + e.msg);
    throw ScenarioError(log.Take());
  }
  StaticMappingConfig c;
  MapReader top(root, "", log,
                {"zone", "hostname", "ttl_s", "scope_aggregation", "pops", "mapping", "name_servers", "soa"});
  if (auto v = top.String("zone", true)) c.dns.zone = *v;
  if (auto v = top.String("hostname", true)) c.dns.hostname = *v;
  if (auto v = top.Number("ttl_s", true, Range::PositiveSeconds())) c.dns.ttl = FromSeconds(*v);
  if (auto v = top.Bool("scope_aggregation", false)) c.dns.scope_aggregation = *v;
  ReadApex(top, log, c.dns);

  std::map<std::string, PopIndex> pop_index;
  const auto pops = top.Sequence("pops", true, true);
  for (std::size_t i = 0; i < pops.size(); ++i) {
    MapReader m(pops[i], fmt::format("pops[{}]", i), log, {"id", "servers"});
    if (!m.Valid()) continue;
    PopInfo pop;
    if (auto v = m.String("id", true)) pop.id = *v;
    if (!pop_index.emplace(pop.id, c.catalog.pops.size()).second) m.Error("id", "PoP '" + pop.id + "' is listed twice");
    // A server listed by address of either family: A answers take the IPv4 ones, AAAA the IPv6.
    for (const auto& text : StringList(m, "servers", log)) {
      if (auto a = ParseIpv4Address(text)) {
        pop.servers.push_back(*a);
      } else if (auto a6 = ParseIpv6Address(text)) {
        pop.servers6.push_back(*a6);
      } else {
        m.Error("servers", fmt::format("expected IPv4 or IPv6 addresses, got '{}'", text));
      }
    }
    c.catalog.pops.push_back(pop);
  }
  const auto rows = top.Sequence("mapping", true, true);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    MapReader m(rows[i], fmt::format("mapping[{}]", i), log, {"prefix", "pops"});
    if (!m.Valid()) continue;
    MappingEntry row;
    if (auto v = m.String("prefix", true)) {
      auto parsed = ParseIpPrefix(*v);
      if (auto* problem = std::get_if<std::string>(&parsed)) {
        m.Error("prefix", *problem);
      } else {
        row.prefix = std::get<IpPrefix>(parsed);
      }
    }
    for (const auto& id : StringList(m, "pops", log)) {
      auto it = pop_index.find(id);
      if (it == pop_index.end()) {
        m.Error("pops", fmt::format("no PoP with id '{}' under 'pops'", id));
      } else {
        row.ranked_pops.push_back(it->second);
      }
    }
    c.rows.push_back(row);
  }
  if (!log.Empty()) throw ScenarioError(log.Take());
  return c;
}

StaticMappingConfig LoadStaticMappingFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError({ScenarioIssue{path, 0, 0, "", "cannot open the file"}});
  std::ostringstream text;
  text << in.rdbuf();
  return LoadStaticMappingText(text.str(), path);
}

}  // namespace cdnlab
