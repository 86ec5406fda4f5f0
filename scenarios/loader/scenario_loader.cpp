#include "scenarios/loader/scenario_loader.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "scenarios/federation/section_reader.h"
#include "scenarios/core/fidelity_names.h"
#include "scenarios/core/field_marks.h"
#include "scenarios/core/ipv4_text.h"
#include "scenarios/core/ipv6_text.h"
#include "scenarios/routing/policy_section_reader.h"
#include "scenarios/loader/scenario_checks.h"
#include "scenarios/streaming/section_reader.h"
#include "scenarios/core/yaml_field_reader.h"

namespace cdnlab {
namespace {

// Reads the YAML document into a Scenario, section by section; cross-checks come after.
class ScenarioParser {
 public:
  ScenarioParser(IssueLog& log, FieldMarks& marks) : log_(log), marks_(marks) {}

  Scenario Parse(const YAML::Node& root) {
    Scenario s;
    MapReader top(root, "", log_,
                  {"name", "seed", "duration_s", "fidelity", "routers", "pops", "resolvers", "client_groups", "dns", "links",
                   "link_defaults", "probing", "mapping", "workload", "evaluation", "policies", "timeline", "realnet",
                   "federation", "streaming"});
    if (!top.Valid()) return s;
    if (auto v = top.String("name", true)) s.name = *v;
    if (auto v = top.Integer("seed", true, 0, INT64_MAX)) s.seed = static_cast<std::uint64_t>(*v);
    if (auto v = top.Number("duration_s", true, Range::PositiveSeconds())) s.duration_s = *v;
    if (auto v = top.String("fidelity", false)) {
      if (auto f = ParseFidelity(*v)) {
        s.fidelity = *f;
      } else {
        top.Error("fidelity", fmt::format("unknown fidelity '{}'; expected one of: {}", *v, kFidelityChoices));
      }
    }
    // With a `federation` or `streaming` section the request-routing sections may be left out,
    // but only all together: a scenario with some of them is a routing scenario with a hole in it.
    const bool routing_optional = top.Has("federation") || top.Has("streaming");
    const std::string optional_by = top.Has("federation") ? "federation" : "streaming";
    const std::vector<std::string> routing_keys{"pops", "client_groups", "resolvers", "dns", "policies"};
    std::string routing_key_present;
    for (const auto& key : routing_keys) {
      if (routing_key_present.empty() && top.Has(key)) routing_key_present = key;
    }
    const bool routing = !routing_optional || !routing_key_present.empty();
    if (routing_optional && routing) {
      for (const auto& key : routing_keys) {
        if (top.Has(key)) continue;
        top.Error(key, fmt::format("missing required key '{}': a scenario with '{}' may leave out all of "
                                   "pops, client_groups, resolvers, dns and policies, but not only some ('{}' is "
                                   "present)", key, optional_by, routing_key_present));
      }
    }
    // Whether a routing section must be there (a missing one with federation or streaming was
    // reported above).
    auto need = [&](const std::string& key) { return !routing_optional || (routing && top.Has(key)); };
    Each(top, "routers", false, [&](MapReader& m, const std::string& path) {
      RouterSpec r;
      ReadIdAndLocation(m, path, r.id, r.location);
      s.routers.push_back(r);
    }, {"id", "lat", "lon"});
    Each(top, "pops", need("pops"), [&](MapReader& m, const std::string& path) {
      PopSpec p;
      ReadIdAndLocation(m, path, p.id, p.location);
      if (auto v = m.Integer("servers", true, 1, 1000)) p.servers = static_cast<int>(*v);
      if (auto v = m.Number("capacity_rps", true, Range::PositiveQuantity())) p.capacity_rps = *v;
      s.pops.push_back(p);
    }, {"id", "lat", "lon", "servers", "capacity_rps"});
    Each(top, "resolvers", need("resolvers"), [&](MapReader& m, const std::string& path) {
      ResolverSpec r;
      ReadIdAndLocation(m, path, r.id, r.location);
      if (auto v = m.Bool("client_subnet", false)) r.client_subnet = *v;
      if (auto v = m.Bool("public", false)) r.is_public = *v;
      s.resolvers.push_back(r);
    }, {"id", "lat", "lon", "client_subnet", "public"});
    Each(top, "client_groups", need("client_groups"), [&](MapReader& m, const std::string& path) {
      ClientGroupSpec g;
      ReadIdAndLocation(m, path, g.id, g.location);
      if (auto v = m.String("prefix", true)) {
        marks_.Remember(path + ".prefix", m.MarkOf("prefix"));
        if (auto prefix = ParsePrefix(*v, m)) g.prefix = *prefix;
      }
      if (auto v = m.String("prefix6", false)) {
        marks_.Remember(path + ".prefix6", m.MarkOf("prefix6"));
        auto parsed = ParseIpv6Prefix(*v, 16, 64);
        if (auto* problem = std::get_if<std::string>(&parsed)) {
          m.Error("prefix6", *problem);
        } else {
          g.prefix6 = std::get<Ipv6Prefix>(parsed);
        }
      }
      if (m.Has("ipv6_share")) {
        const auto share = m.Number("ipv6_share", false, Range::Between(0, 1, "a number in [0, 1]"));
        if (!g.prefix6) {
          m.Error("ipv6_share", "needs prefix6: an IPv4-only group makes no request over IPv6");
        } else if (share) {
          g.ipv6_share = *share;
        }
      }
      if (auto v = m.Number("population", true, Range::Quantity())) g.population = *v;
      if (auto v = m.String("resolver", true)) g.resolver = *v;
      marks_.Remember(path + ".resolver", m.MarkOf("resolver"));
      if (m.Has("demand_rps")) g.demand_rps = m.Number("demand_rps", false, Range::Quantity());
      s.client_groups.push_back(g);
    }, {"id", "lat", "lon", "prefix", "prefix6", "ipv6_share", "population", "resolver", "demand_rps"});
    if (auto node = top.Mapping("dns", need("dns"))) ReadDns(*node, s.dns);
    // A federation- or streaming-only scenario may be a single router; routing needs links to
    // reach PoPs.
    Each(top, "links", !routing_optional, [&](MapReader& m, const std::string& path) {
      LinkSpec l;
      if (auto v = m.String("a", true)) l.a = *v;
      if (auto v = m.String("b", true)) l.b = *v;
      if (m.Has("delay_ms")) l.delay_ms = m.Number("delay_ms", false, Range::Millis());
      if (m.Has("bandwidth_mbps")) l.bandwidth_mbps = m.Number("bandwidth_mbps", false, Range::Mbps());
      if (m.Has("loss")) l.loss = m.Number("loss", false, LossRange());
      l.line = m.Node().Mark().line + 1;
      marks_.Remember(path + ".a", m.MarkOf("a"));
      marks_.Remember(path + ".b", m.MarkOf("b"));
      marks_.Remember(path, m.Node().Mark());
      s.links.push_back(l);
    }, {"a", "b", "delay_ms", "bandwidth_mbps", "loss"});
    if (auto node = top.Mapping("link_defaults", false)) ReadLinkDefaults(*node, s.link_defaults);
    if (auto node = top.Mapping("probing", false)) ReadProbing(*node, s.probing);
    if (auto node = top.Mapping("mapping", false)) ReadMapping(*node, s.mapping);
    if (auto node = top.Mapping("workload", false)) ReadWorkload(*node, s.workload);
    if (auto node = top.Mapping("evaluation", false)) ReadEvaluation(*node, s.evaluation);
    ReadPolicySection(top, need("policies"), s.policies, log_, marks_);
    // The warm-up is a routing-evaluation setting: checked when it can matter.
    if ((routing || top.Has("evaluation")) && s.evaluation.warmup_s >= s.duration_s) {
      log_.Add(root.Mark(), "evaluation.warmup_s",
               fmt::format("the warm-up ({} s) must end before the run does (duration_s {})", s.evaluation.warmup_s,
                           s.duration_s));
    }
    ReadTimeline(top, s);
    if (auto node = top.Mapping("federation", false)) ReadFederationSection(*node, s.duration_s, s.federation, log_, marks_);
    if (auto node = top.Mapping("streaming", false)) ReadStreamingSection(*node, s.duration_s, s.streaming, log_, marks_);
    if (auto node = top.Mapping("realnet", false)) ReadRealnet(*node, routing, s);
    return s;
  }

 private:
  using ItemReader = std::function<void(MapReader&, const std::string&)>;

  // The scalar under `key` when `node` is a mapping that has one, else "". yaml-cpp hands out
  // an invalid node for an absent key, and asking that node its type throws, so check first.
  static std::string PeekScalar(const YAML::Node& node, const std::string& key) {
    if (!node.IsMap()) return "";
    const YAML::Node value = node[key];
    return value.IsDefined() && value.IsScalar() ? value.Scalar() : "";
  }

  void Each(MapReader& parent, const std::string& key, bool required, const ItemReader& read,
            std::set<std::string> keys) {
    const auto items = parent.Sequence(key, required, required);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string path = fmt::format("{}[{}]", key, i);
      MapReader m(items[i], path, log_, keys);
      if (m.Valid()) read(m, path);
    }
  }

  void ReadIdAndLocation(MapReader& m, const std::string& path, std::string& id, GeoPoint& location) {
    if (auto v = m.String("id", true)) id = *v;
    marks_.Remember(path + ".id", m.MarkOf("id"));
    if (auto v = m.Number("lat", true, Range::Between(-90, 90, "a latitude in [-90, 90]"))) location.latitude_deg = *v;
    if (auto v = m.Number("lon", true, Range::Between(-180, 180, "a longitude in [-180, 180]"))) {
      location.longitude_deg = *v;
    }
  }

  static Range LossRange() {
    return {[](double v) { return v >= 0 && v < 1; }, "a loss probability in [0, 1)"};
  }

  std::optional<Ipv4Prefix> ParsePrefix(const std::string& text, MapReader& m) {
    auto parsed = ParseIpv4Prefix(text, 8, 30);
    if (auto* problem = std::get_if<std::string>(&parsed)) {
      m.Error("prefix", *problem);
      return std::nullopt;
    }
    return std::get<Ipv4Prefix>(parsed);
  }

  void ReadDns(const YAML::Node& node, DnsSpec& dns) {
    MapReader m(node, "dns", log_, {"id", "lat", "lon", "zone", "hostname", "ttl_s"});
    if (!m.Valid()) return;
    ReadIdAndLocation(m, "dns", dns.id, dns.location);
    if (auto v = m.String("zone", true)) dns.zone = *v;
    if (auto v = m.String("hostname", true)) {
      dns.hostname = *v;
      const std::string suffix = "." + dns.zone;
      if (!(dns.hostname.size() > suffix.size() &&
            dns.hostname.compare(dns.hostname.size() - suffix.size(), suffix.size(), suffix) == 0)) {
        m.Error("hostname", fmt::format("expected a name inside zone '{}', got '{}'", dns.zone, dns.hostname));
      }
    }
    if (auto v = m.Number("ttl_s", true, Range::PositiveSeconds())) dns.ttl_s = *v;
  }

  void ReadLinkDefaults(const YAML::Node& node, LinkDefaults& d) {
    MapReader m(node, "link_defaults", log_, {"bandwidth_mbps", "loss", "km_per_ms", "route_stretch", "min_delay_ms"});
    if (auto v = m.Number("bandwidth_mbps", false, Range::Mbps())) d.bandwidth_mbps = *v;
    if (auto v = m.Number("loss", false, LossRange())) d.loss = *v;
    if (auto v = m.Number("km_per_ms", false, Range::Between(0.001, 1e6, "km per ms in [0.001, 1e6]"))) d.km_per_ms = *v;
    if (auto v = m.Number("route_stretch", false, Range::Between(1, 100, "a stretch factor in [1, 100]"))) {
      d.route_stretch = *v;
    }
    if (auto v = m.Number("min_delay_ms", false, Range::Millis())) d.min_delay_ms = *v;
  }

  void ReadProbing(const YAML::Node& node, ProbeSpec& p) {
    MapReader m(node, "probing", log_, {"interval_s", "packets_per_train", "spacing_ms", "timeout_ms", "packet_bytes"});
    if (auto v = m.Number("interval_s", false, Range::PositiveSeconds())) p.interval_s = *v;
    if (auto v = m.Integer("packets_per_train", false, 1, 100)) p.packets_per_train = static_cast<int>(*v);
    if (auto v = m.Number("spacing_ms", false, Range::Millis())) p.spacing_ms = *v;
    if (auto v = m.Number("timeout_ms", false, Range::PositiveMillis())) p.timeout_ms = *v;
    if (auto v = m.Integer("packet_bytes", false, 24, 1400)) p.packet_bytes = static_cast<int>(*v);
    // A train must end before the next round starts, or rounds would pile up.
    const double train_s = (p.packets_per_train - 1) * p.spacing_ms / 1000 + p.timeout_ms / 1000;
    if (m.Valid() && train_s >= p.interval_s * 0.5) {
      m.Error("", fmt::format("a probe train lasts {:.3f} s (spacing x packets + timeout), which must be under half "
                              "of interval_s ({} s)", train_s, p.interval_s));
    }
  }

  void ReadMapping(const YAML::Node& node, MappingSpec& p) {
    MapReader m(node, "mapping", log_, {"recompute_interval_s", "ranked_pops"});
    if (auto v = m.Number("recompute_interval_s", false, Range::PositiveSeconds())) p.recompute_interval_s = *v;
    if (auto v = m.Integer("ranked_pops", false, 1, 64)) p.ranked_pops = static_cast<int>(*v);
  }

  void ReadWorkload(const YAML::Node& node, WorkloadSpec& w) {
    MapReader m(node, "workload", log_, {"object_bytes", "downloads_per_group_per_min", "demand_rps_per_million_users"});
    if (auto v = m.Integer("object_bytes", false, 1, 1LL << 32)) w.object_bytes = static_cast<std::uint64_t>(*v);
    if (auto v = m.Number("downloads_per_group_per_min", false, Range::PerMinute())) w.downloads_per_group_per_min = *v;
    if (auto v = m.Number("demand_rps_per_million_users", false, Range::Quantity())) {
      w.demand_rps_per_million_users = *v;
    }
  }

  void ReadEvaluation(const YAML::Node& node, EvaluationSpec& e) {
    MapReader m(node, "evaluation", log_, {"warmup_s", "sample_interval_s", "unavailable_penalty_ms"});
    if (auto v = m.Number("warmup_s", false, Range::Seconds())) e.warmup_s = *v;
    if (auto v = m.Number("sample_interval_s", false, Range::PositiveSeconds())) e.sample_interval_s = *v;
    if (auto v = m.Number("unavailable_penalty_ms", false, Range::Millis())) e.unavailable_penalty_ms = *v;
  }

  void ReadTimeline(MapReader& top, Scenario& s) {
    const auto items = top.Sequence("timeline", false, false);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string path = fmt::format("timeline[{}]", i);
      const std::string type = PeekScalar(items[i], "type");
      std::set<std::string> keys{"at_s", "type", "description"};
      if (type == "link_change") keys.insert({"link", "delay_ms", "loss", "bandwidth_mbps"});
      if (type == "pop_fail" || type == "pop_recover") keys.insert("pop");
      MapReader m(items[i], path, log_, keys);
      if (!m.Valid()) continue;
      TimelineEvent e;
      if (auto v = m.Number("at_s", true, Range::Seconds())) {
        e.at_s = *v;
        if (e.at_s > s.duration_s) m.Error("at_s", fmt::format("expected a time within the run (<= duration_s {}), got {}", s.duration_s, e.at_s));
      }
      if (auto v = m.String("description", false)) e.description = *v;
      if (auto v = m.String("type", true)) {
        if (*v == "link_change") {
          e.type = TimelineEventType::kLinkChange;
          ReadLinkChange(m, path, e);
        } else if (*v == "pop_fail" || *v == "pop_recover") {
          e.type = *v == "pop_fail" ? TimelineEventType::kPopFail : TimelineEventType::kPopRecover;
          if (auto pop = m.String("pop", true)) e.pop = *pop;
          marks_.Remember(path + ".pop", m.MarkOf("pop"));
        } else {
          m.Error("type", fmt::format("unknown event type '{}'; expected one of: link_change, pop_fail, pop_recover", *v));
        }
      }
      if (e.description.empty()) e.description = DescribeEvent(e);
      s.timeline.push_back(e);
    }
  }

  void ReadLinkChange(MapReader& m, const std::string& path, TimelineEvent& e) {
    marks_.Remember(path + ".link", m.MarkOf("link"));
    const auto ends = m.Sequence("link", true, true);
    if (ends.size() == 2 && ends[0].IsScalar() && ends[1].IsScalar()) {
      e.link_a = ends[0].Scalar();
      e.link_b = ends[1].Scalar();
    } else if (m.Has("link")) {
      m.Error("link", "expected the two ends of a link, like [router-a, router-b]");
    }
    if (m.Has("delay_ms")) e.delay_ms = m.Number("delay_ms", false, Range::Millis());
    if (m.Has("loss")) e.loss = m.Number("loss", false, LossRange());
    if (m.Has("bandwidth_mbps")) e.bandwidth_mbps = m.Number("bandwidth_mbps", false, Range::Mbps());
    if (!m.Has("delay_ms") && !m.Has("loss") && !m.Has("bandwidth_mbps")) {
      m.Error("", "a link_change must set at least one of delay_ms, loss, bandwidth_mbps");
    }
  }

  static std::optional<Endpoint> ParseEndpointText(const std::string& text) {
    const auto colon = text.rfind(':');
    const auto address = colon == std::string::npos ? std::nullopt : ParseIpv4Address(text.substr(0, colon));
    int port = -1;
    if (address) {
      const std::string p = text.substr(colon + 1);
      const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
      if (ec != std::errc() || end != p.data() + p.size()) port = -1;
    }
    if (!address || port < 1 || port > 65535) return std::nullopt;
    return Endpoint{*address, static_cast<std::uint16_t>(port)};
  }

  static std::string EndpointMessage(const std::string& text) {
    return fmt::format("expected IPV4:PORT like 127.0.0.1:7100, got '{}'", text);
  }

  std::optional<Endpoint> ParseEndpoint(MapReader& m, const std::string& key, bool required) {
    const auto text = m.String(key, required);
    if (!text) return std::nullopt;
    const auto endpoint = ParseEndpointText(*text);
    if (!endpoint) m.Error(key, EndpointMessage(*text));
    return endpoint;
  }

  // A mapping from an id to IPV4:PORT (realnet.federation_nodes, realnet.federation_http).
  std::vector<std::pair<std::string, Endpoint>> ReadEndpointMap(MapReader& m, const std::string& key,
                                                                const std::string& what) {
    std::vector<std::pair<std::string, Endpoint>> out;
    marks_.Remember(m.FieldPath(key), m.MarkOf(key));
    const auto node = m.Mapping(key, false);
    if (!node) return out;
    if (!node->IsMap()) {
      m.Error(key, fmt::format("expected a mapping from {} to IPV4:PORT, got {}", what, QuoteForMessage(*node)));
      return out;
    }
    for (const auto& kv : *node) {
      const std::string id = kv.first.IsScalar() ? kv.first.Scalar() : "?";
      const std::string path = m.FieldPath(key) + "." + id;
      const auto endpoint = kv.second.IsScalar() ? ParseEndpointText(kv.second.Scalar()) : std::nullopt;
      if (!endpoint) {
        log_.Add(kv.second.Mark(), path,
                 kv.second.IsScalar() ? EndpointMessage(kv.second.Scalar())
                                      : "expected IPV4:PORT like 127.0.0.1:7100, got " + QuoteForMessage(kv.second));
        continue;
      }
      marks_.Remember(path, kv.first.Mark());
      out.emplace_back(id, *endpoint);
    }
    return out;
  }

  void ReadRealnet(const YAML::Node& node, bool routing, Scenario& s) {
    MapReader m(node, "realnet", log_, {"controller", "dns", "servers", "groups", "responder_port", "agent_port",
                                        "federation_nodes", "federation_http"});
    if (!m.Valid()) return;
    s.realnet.present = true;
    // The federation addresses only mean something with a federation to place.
    for (const std::string key : {"federation_nodes", "federation_http"}) {
      if (m.Has(key) && !s.federation.present) m.Error(key, "the scenario has no 'federation' section");
    }
    s.realnet.federation_nodes = ReadEndpointMap(m, "federation_nodes", "federation node id (<platform>-gw or a server id)");
    s.realnet.federation_http = ReadEndpointMap(m, "federation_http", "platform id");
    if (!routing) {
      // Request routing's processes have nothing to do in a federation-only scenario.
      for (const std::string key : {"controller", "dns", "servers", "groups", "responder_port", "agent_port"}) {
        if (m.Has(key)) {
          m.Error(key, fmt::format("'{}' places request routing, but this scenario has no routing sections (pops, "
                                   "client_groups, resolvers, dns, policies)", key));
        }
      }
      return;
    }
    if (auto e = ParseEndpoint(m, "controller", true)) s.realnet.controller = *e;
    if (auto e = ParseEndpoint(m, "dns", true)) s.realnet.dns = *e;
    if (auto v = m.Integer("responder_port", false, 1, 65535)) s.realnet.responder_port = static_cast<std::uint16_t>(*v);
    if (auto v = m.Integer("agent_port", false, 1, 65535)) s.realnet.agent_port = static_cast<std::uint16_t>(*v);
    if (auto servers = m.Mapping("servers", true)) {
      if (!servers->IsMap()) {
        m.Error("servers", "expected a mapping from PoP id to a list of server addresses");
      } else {
        for (const auto& kv : *servers) {
          const std::string pop = kv.first.Scalar();
          const std::string path = "realnet.servers." + pop;
          std::vector<Ipv4Address> addresses;
          std::vector<Ipv6Address> addresses6;  // a dual-stack server's IPv6 address, for AAAA
          if (!kv.second.IsSequence()) {
            log_.Add(kv.second.Mark(), path, "expected a list of IPv4 or IPv6 addresses");
            continue;
          }
          for (const auto& a : kv.second) {
            const auto parsed = a.IsScalar() ? ParseIpv4Address(a.Scalar()) : std::nullopt;
            const auto parsed6 = a.IsScalar() && !parsed ? ParseIpv6Address(a.Scalar()) : std::nullopt;
            if (parsed) {
              addresses.push_back(*parsed);
            } else if (parsed6) {
              addresses6.push_back(*parsed6);
            } else {
              log_.Add(a.Mark(), path, "expected an IPv4 or IPv6 address, got " + QuoteForMessage(a));
            }
          }
          if (addresses.empty() && !addresses6.empty()) {
            log_.Add(kv.second.Mark(), path, "needs at least one IPv4 address (probe agents run on IPv4)");
          }
          marks_.Remember(path, kv.first.Mark());
          s.realnet.servers6.emplace_back(pop, addresses6);
          s.realnet.servers.emplace_back(pop, addresses);
        }
      }
    }
    if (auto groups = m.Mapping("groups", true)) {
      if (!groups->IsMap()) {
        m.Error("groups", "expected a mapping from client group id to the address its responder uses");
      } else {
        for (const auto& kv : *groups) {
          const std::string path = "realnet.groups." + kv.first.Scalar();
          const auto parsed = kv.second.IsScalar() ? ParseIpv4Address(kv.second.Scalar()) : std::nullopt;
          if (!parsed) {
            log_.Add(kv.second.Mark(), path, "expected an IPv4 address, got " + QuoteForMessage(kv.second));
            continue;
          }
          marks_.Remember(path, kv.first.Mark());
          s.realnet.groups.emplace_back(kv.first.Scalar(), *parsed);
        }
      }
    }
  }

  static std::string DescribeEvent(const TimelineEvent& e) {
    switch (e.type) {
      case TimelineEventType::kLinkChange: return fmt::format("link {} - {} changes", e.link_a, e.link_b);
      case TimelineEventType::kPopFail: return fmt::format("PoP {} fails", e.pop);
      case TimelineEventType::kPopRecover: return fmt::format("PoP {} recovers", e.pop);
    }
    return "";
  }

  IssueLog& log_;
  FieldMarks& marks_;
};

Scenario LoadFromText(const std::string& text, const std::string& source) {
  IssueLog log(source);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    log.Add(e.mark, "", "YAML syntax error: " + e.msg);
    throw ScenarioError(log.Take());
  }
  FieldMarks marks;
  Scenario scenario = ScenarioParser(log, marks).Parse(root);
  scenario.source = source;
  // Cross-checks on a scenario with holes would only repeat the first problems.
  if (log.Empty()) CheckScenario(scenario, marks, log);
  if (!log.Empty()) throw ScenarioError(log.Take());
  // Sorted only now: error messages above name events, commands and faults by their position
  // in the file.
  std::stable_sort(scenario.timeline.begin(), scenario.timeline.end(),
                   [](const TimelineEvent& a, const TimelineEvent& b) { return a.at_s < b.at_s; });
  auto& federation = scenario.federation;
  std::stable_sort(federation.commands.begin(), federation.commands.end(),
                   [](const FederationCommandSpec& a, const FederationCommandSpec& b) { return a.at_s < b.at_s; });
  std::stable_sort(federation.faults.begin(), federation.faults.end(),
                   [](const FederationFaultSpec& a, const FederationFaultSpec& b) { return a.at_s < b.at_s; });
  std::stable_sort(scenario.streaming.events.begin(), scenario.streaming.events.end(),
                   [](const StreamingEventSpec& a, const StreamingEventSpec& b) { return a.at_s < b.at_s; });
  return scenario;
}

}  // namespace

Scenario LoadScenarioFile(const std::string& path) {
  // A directory opens fine as a stream on Linux and then reads as empty text, which would be
  // reported as a confusing "expected a mapping"; say what is really wrong instead.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw ScenarioError({ScenarioIssue{path, 0, 0, "", "is a directory, not a scenario file"}});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError({ScenarioIssue{path, 0, 0, "", "cannot open the scenario file"}});
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ScenarioError({ScenarioIssue{path, 0, 0, "", "error while reading the scenario file"}});
  return LoadFromText(text.str(), path);
}

Scenario LoadScenarioText(const std::string& yaml_text, const std::string& source_name) {
  return LoadFromText(yaml_text, source_name);
}

}  // namespace cdnlab
