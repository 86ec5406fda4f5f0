#include "scenarios/federation/section_reader.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include <fmt/format.h>

#include "models/federation/catalog.h"
#include "models/federation/pattern_match.h"

namespace cdnlab {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// A DNS host name: dot-separated labels of letters, digits and '-' (not at either end of a
// label), 1-63 characters each, 253 in all. Case does not matter; the loader lower-cases it.
bool ValidHostName(const std::string& host) {
  if (host.empty() || host.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    const auto dot = host.find('.', start);
    const std::string label = host.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (unsigned char c : label) {
      if (!std::isalnum(c) && c != '-') return false;
    }
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

// An absolute URL with a host ("https://www.news.example/a.jpg"), without spaces.
bool ValidAbsoluteUrl(const std::string& url) {
  if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; })) return false;
  return !UrlHost(url).empty();
}

std::string JoinComma(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// One entry of a list of strings, with where it was written.
struct StringItem {
  std::string value;
  std::string field;
  YAML::Mark mark;
};

constexpr const char* kTriggerContentKeys = "content_urls, content_patterns, content_ccids, metadata_urls, metadata_patterns";

class FederationReader {
 public:
  FederationReader(double duration_s, FederationSpec& out, IssueLog& log, FieldMarks& marks)
      : duration_s_(duration_s), out_(out), log_(log), marks_(marks) {}

  void Read(const YAML::Node& node) {
    MapReader f(node, "federation", log_,
                {"participants", "platforms", "providers", "configurations", "commands", "faults", "retry"});
    if (!f.Valid()) return;
    out_.present = true;
    Each(f, "participants", true, {"id", "secret"}, [&](MapReader& m) { ReadParticipant(m); });
    Each(f, "platforms", true, {"id", "gateway_at", "gateway_access_delay_ms", "supports", "supports_ccid", "servers"},
         [&](MapReader& m) { ReadPlatform(m); });
    Each(f, "providers", true, {"id", "platform"}, [&](MapReader& m) {
      FederationProviderSpec p;
      p.id = Str(m, "id", true);
      p.platform = Str(m, "platform", true);
      out_.providers.push_back(p);
    });
    Each(f, "configurations", true, {"id", "provider", "hosts", "metadata_url", "deployments", "objects"},
         [&](MapReader& m) { ReadConfiguration(m); });
    ReadCommands(f);
    ReadFaults(f);
    if (auto retry = f.Mapping("retry", false)) ReadRetry(*retry);
  }

 private:
  using ItemReader = std::function<void(MapReader&)>;

  // Each mapping of the list under `key` (required lists must also be non-empty).
  void Each(MapReader& parent, const std::string& key, bool required, std::set<std::string> keys,
            const ItemReader& read) {
    const auto items = parent.Sequence(key, required, required);
    for (std::size_t i = 0; i < items.size(); ++i) {
      MapReader m(items[i], fmt::format("{}[{}]", parent.FieldPath(key), i), log_, keys);
      if (m.Valid()) read(m);
    }
  }

  // A string field, remembered for the cross-checks ("" when absent or wrong).
  std::string Str(MapReader& m, const std::string& key, bool required) {
    marks_.Remember(m.FieldPath(key), m.MarkOf(key));
    const auto v = m.String(key, required);
    return v ? *v : "";
  }

  // A list of non-empty strings; each entry's mark is remembered as "<field>[i]".
  std::vector<StringItem> Strings(MapReader& m, const std::string& key, bool required, bool non_empty) {
    std::vector<StringItem> out;
    marks_.Remember(m.FieldPath(key), m.MarkOf(key));
    const auto items = m.Sequence(key, required, non_empty);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string field = fmt::format("{}[{}]", m.FieldPath(key), i);
      if (!items[i].IsScalar() || items[i].Scalar().empty()) {
        log_.Add(items[i].Mark(), field, "expected a non-empty string, got " + QuoteForMessage(items[i]));
        continue;
      }
      marks_.Remember(field, items[i].Mark());
      out.push_back(StringItem{items[i].Scalar(), field, items[i].Mark()});
    }
    return out;
  }

  // A list of absolute URLs.
  std::vector<std::string> Urls(MapReader& m, const std::string& key, bool required) {
    std::vector<std::string> out;
    for (const auto& item : Strings(m, key, required, true)) {
      if (!ValidAbsoluteUrl(item.value)) {
        log_.Add(item.mark, item.field, UrlMessage(item.value));
        continue;
      }
      out.push_back(item.value);
    }
    return out;
  }

  static std::string UrlMessage(const std::string& text) {
    return fmt::format("expected an absolute URL with a host, like https://www.example.com/a.jpg, got '{}'", text);
  }

  void WithinRun(MapReader& m, double at_s) {
    if (at_s > duration_s_) {
      m.Error("at_s", fmt::format("expected a time within the run (<= duration_s {}), got {}", duration_s_, at_s));
    }
  }

  void ReadParticipant(MapReader& m) {
    FederationParticipantSpec p;
    p.id = Str(m, "id", true);
    if (auto secret = m.String("secret", true)) {
      // Never echo the secret itself: scenario errors end up in logs.
      if (secret->size() < 16) {
        m.Error("secret", fmt::format("expected a secret of at least 16 characters (it seeds the participant's "
                                      "Ed25519 key pair), got {} characters", secret->size()));
      } else {
        p.secret = *secret;
      }
    }
    out_.participants.push_back(p);
  }

  void ReadPlatform(MapReader& m) {
    FederationPlatformSpec p;
    p.id = Str(m, "id", true);
    p.gateway_at = Str(m, "gateway_at", true);
    if (auto v = m.Number("gateway_access_delay_ms", false, Range::Millis())) p.gateway_access_delay_ms = *v;
    if (m.Has("supports")) p.supports = ReadSupports(m);
    if (auto v = m.Bool("supports_ccid", false)) p.supports_ccid = *v;
    Each(m, "servers", true, {"id", "tier", "parent", "at", "access_delay_ms"}, [&](MapReader& sm) {
      FederationServerSpec s;
      s.id = Str(sm, "id", true);
      if (auto tier = sm.String("tier", true)) {
        if (*tier == "edge" || *tier == "parent") {
          s.tier = *tier;
        } else {
          sm.Error("tier", fmt::format("unknown tier '{}'; expected one of: edge, parent", *tier));
        }
      }
      s.parent = Str(sm, "parent", false);
      s.at = Str(sm, "at", true);
      if (auto v = sm.Number("access_delay_ms", false, Range::Millis())) s.access_delay_ms = *v;
      p.servers.push_back(s);
    });
    out_.platforms.push_back(p);
  }

  std::vector<std::string> ReadSupports(MapReader& m) {
    const std::set<std::string> known{"preposition", "invalidate", "purge", "statistics"};
    std::vector<std::string> out;
    for (const auto& item : Strings(m, "supports", false, true)) {
      if (known.count(item.value) == 0) {
        log_.Add(item.mark, item.field,
                 fmt::format("unknown trigger type '{}'; expected one of: {}", item.value, kFederationTriggerTypes));
      } else if (std::find(out.begin(), out.end(), item.value) != out.end()) {
        log_.Add(item.mark, item.field, fmt::format("'{}' is listed twice", item.value));
      } else {
        out.push_back(item.value);
      }
    }
    return out;
  }

  void ReadConfiguration(MapReader& m) {
    FederationConfigurationSpec c;
    c.id = Str(m, "id", true);
    c.provider = Str(m, "provider", true);
    for (const auto& item : Strings(m, "hosts", true, true)) {
      if (!ValidHostName(item.value)) {
        log_.Add(item.mark, item.field,
                 fmt::format("expected a host name like www.example.com (letters, digits, '-' and '.'), got '{}'",
                             item.value));
        continue;
      }
      const std::string host = Lower(item.value);
      if (std::find(c.hosts.begin(), c.hosts.end(), host) != c.hosts.end()) {
        log_.Add(item.mark, item.field, fmt::format("host '{}' is listed twice", host));
        continue;
      }
      c.hosts.push_back(host);
    }
    if (m.Has("metadata_url")) {
      const std::string url = Str(m, "metadata_url", false);
      if (!url.empty() && !ValidAbsoluteUrl(url)) {
        m.Error("metadata_url", UrlMessage(url));
      } else {
        c.metadata_url = url;
      }
    }
    marks_.Remember(m.FieldPath("deployments"), m.MarkOf("deployments"));
    Each(m, "deployments", true, {"platform", "delegated_by", "servers"}, [&](MapReader& dm) {
      FederationDeploymentSpec d;
      d.platform = Str(dm, "platform", true);
      d.delegated_by = Str(dm, "delegated_by", false);
      // May be empty: a platform that only passes the configuration on to its downstreams.
      for (const auto& item : Strings(dm, "servers", true, false)) {
        if (std::find(d.servers.begin(), d.servers.end(), item.value) != d.servers.end()) {
          log_.Add(item.mark, item.field, fmt::format("server '{}' is listed twice", item.value));
          continue;
        }
        d.servers.push_back(item.value);
      }
      c.deployments.push_back(d);
    });
    Each(m, "objects", false, {"url", "ccid", "cached"}, [&](MapReader& om) {
      FederationObjectSpec o;
      if (auto url = om.String("url", true)) {
        const std::string host = UrlHost(*url);
        if (!ValidAbsoluteUrl(*url)) {
          om.Error("url", UrlMessage(*url));
        } else if (std::find(c.hosts.begin(), c.hosts.end(), host) == c.hosts.end()) {
          om.Error("url", fmt::format("host '{}' is not one of the configuration's hosts ({})", host,
                                      JoinComma(c.hosts)));
        } else if (std::any_of(c.objects.begin(), c.objects.end(),
                               [&](const FederationObjectSpec& other) { return other.url == *url; })) {
          om.Error("url", fmt::format("object '{}' is listed twice", *url));
        } else {
          o.url = *url;
        }
      }
      if (auto v = om.String("ccid", false)) o.ccid = *v;
      if (auto v = om.Bool("cached", false)) o.cached = *v;
      c.objects.push_back(o);
    });
    out_.configurations.push_back(c);
  }

  std::vector<FederationPatternSpec> Patterns(MapReader& m, const std::string& key) {
    std::vector<FederationPatternSpec> out;
    const auto items = m.Sequence(key, false, true);
    for (std::size_t i = 0; i < items.size(); ++i) {
      MapReader pm(items[i], fmt::format("{}[{}]", m.FieldPath(key), i), log_,
                   {"pattern", "case_sensitive", "match_query_string"});
      if (!pm.Valid()) continue;
      FederationPatternSpec p;
      if (auto v = pm.String("pattern", true)) {
        if (!PatternMatch{*v, false, false}.WellFormed()) {
          pm.Error("pattern", fmt::format("'{}' ends in a lone '\\' with nothing to escape (write '\\\\' for a "
                                          "backslash)", *v));
        } else {
          p.pattern = *v;
        }
      }
      if (auto v = pm.Bool("case_sensitive", false)) p.case_sensitive = *v;
      if (auto v = pm.Bool("match_query_string", false)) p.match_query_string = *v;
      out.push_back(p);
    }
    return out;
  }

  void ReadCommands(MapReader& f) {
    const std::set<std::string> cancel_keys{"id", "at_s", "by", "platform", "cancel"};
    const std::set<std::string> trigger_keys{"id",           "at_s",          "by",           "platform",
                                             "type",         "content_urls",  "content_patterns",
                                             "content_ccids", "metadata_urls", "metadata_patterns", "cdn_path"};
    const auto items = f.Sequence("commands", false, false);
    for (std::size_t i = 0; i < items.size(); ++i) {
      // A cancel has its own keys; peek for it (as the timeline peeks at an event's type).
      const bool is_cancel = items[i].IsMap() && items[i]["cancel"].IsDefined();
      MapReader m(items[i], fmt::format("federation.commands[{}]", i), log_, is_cancel ? cancel_keys : trigger_keys);
      if (!m.Valid()) continue;
      FederationCommandSpec c;
      c.id = Str(m, "id", true);
      marks_.Remember(m.FieldPath("at_s"), m.MarkOf("at_s"));
      if (auto v = m.Number("at_s", true, Range::Seconds())) {
        c.at_s = *v;
        WithinRun(m, c.at_s);
      }
      c.by = Str(m, "by", true);
      c.platform = Str(m, "platform", true);
      if (is_cancel) {
        c.cancel = Str(m, "cancel", true);
      } else {
        ReadTrigger(m, c);
      }
      out_.commands.push_back(c);
    }
  }

  void ReadTrigger(MapReader& m, FederationCommandSpec& c) {
    if (auto type = m.String("type", true)) {
      if (ParseTriggerType(*type)) {
        c.type = *type;
      } else {
        m.Error("type", fmt::format("unknown command type '{}'; expected one of: {} (or 'cancel: <command id>' "
                                    "to cancel a command)", *type, kFederationTriggerTypes));
      }
    }
    c.content_urls = Urls(m, "content_urls", false);
    c.content_patterns = Patterns(m, "content_patterns");
    for (const auto& item : Strings(m, "content_ccids", false, true)) c.content_ccids.push_back(item.value);
    c.metadata_urls = Urls(m, "metadata_urls", false);
    c.metadata_patterns = Patterns(m, "metadata_patterns");
    for (const auto& item : Strings(m, "cdn_path", false, true)) c.cdn_path.push_back(item.value);
    const bool names_something = m.Has("content_urls") || m.Has("content_patterns") || m.Has("content_ccids") ||
                                 m.Has("metadata_urls") || m.Has("metadata_patterns");
    if (!names_something) {
      m.Error("", fmt::format("a {} must name what it applies to: at least one of {}",
                              c.type.empty() ? "command" : c.type, kTriggerContentKeys));
    }
  }

  void ReadFaults(MapReader& f) {
    const auto items = f.Sequence("faults", false, false);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string type =
          items[i].IsMap() && items[i]["type"].IsDefined() && items[i]["type"].IsScalar() ? items[i]["type"].Scalar()
                                                                                           : "";
      std::set<std::string> keys{"at_s", "type"};
      if (type == "server_down") keys.insert({"server", "duration_s"});
      if (type == "gateway_unreachable") keys.insert({"platform", "duration_s"});
      if (type == "message_loss") keys.insert({"platform", "to_server", "count"});
      MapReader m(items[i], fmt::format("federation.faults[{}]", i), log_, keys);
      if (!m.Valid()) continue;
      FederationFaultSpec e;
      marks_.Remember(m.FieldPath("at_s"), m.MarkOf("at_s"));
      if (auto v = m.Number("at_s", true, Range::Seconds())) {
        e.at_s = *v;
        WithinRun(m, e.at_s);
      }
      if (auto v = m.String("type", true)) {
        if (*v == "server_down") {
          e.type = FederationFaultType::kServerDown;
          e.server = Str(m, "server", true);
          if (auto d = m.Number("duration_s", true, Range::PositiveSeconds())) e.duration_s = *d;
        } else if (*v == "gateway_unreachable") {
          e.type = FederationFaultType::kGatewayUnreachable;
          e.platform = Str(m, "platform", true);
          if (auto d = m.Number("duration_s", true, Range::PositiveSeconds())) e.duration_s = *d;
        } else if (*v == "message_loss") {
          e.type = FederationFaultType::kMessageLoss;
          e.platform = Str(m, "platform", false);
          e.to_server = Str(m, "to_server", false);
          if (m.Has("platform") && m.Has("to_server")) {
            m.Error("to_server", "a message_loss names either platform (messages to its gateway) or to_server "
                                 "(messages to that server), not both");
          } else if (!m.Has("platform") && !m.Has("to_server")) {
            m.Error("", "a message_loss must name platform (messages to its gateway) or to_server (messages to "
                        "that server)");
          }
          if (auto n = m.Integer("count", false, 1, 1000000)) e.count = static_cast<int>(*n);
        } else {
          m.Error("type", fmt::format("unknown fault type '{}'; expected one of: gateway_unreachable, message_loss, "
                                      "server_down", *v));
        }
      }
      out_.faults.push_back(e);
    }
  }

  void ReadRetry(const YAML::Node& node) {
    MapReader m(node, "federation.retry", log_,
                {"initial_ms", "multiplier", "max_ms", "max_attempts", "jitter", "poll_interval_s", "give_up_after_s"});
    if (!m.Valid()) return;
    FederationRetrySpec& r = out_.retry;
    if (auto v = m.Number("initial_ms", false, Range::PositiveMillis())) r.initial_ms = *v;
    if (auto v = m.Number("multiplier", false, Range::Between(1, 1000, "a multiplier in [1, 1000]"))) {
      r.multiplier = *v;
    }
    if (auto v = m.Number("max_ms", false, Range::PositiveMillis())) r.max_ms = *v;
    if (auto v = m.Integer("max_attempts", false, 1, 1000)) r.max_attempts = static_cast<int>(*v);
    if (auto v = m.Number("jitter", false, {[](double x) { return x >= 0 && x < 1; }, "a fraction in [0, 1)"})) {
      r.jitter = *v;
    }
    if (auto v = m.Number("poll_interval_s", false, Range::PositiveSeconds())) r.poll_interval_s = *v;
    if (auto v = m.Number("give_up_after_s", false, Range::PositiveSeconds())) r.give_up_after_s = *v;
    if (r.max_ms < r.initial_ms) {
      m.Error(m.Has("max_ms") ? "max_ms" : "initial_ms",
              fmt::format("the backoff cap max_ms ({} ms) must be at least initial_ms ({} ms)", r.max_ms, r.initial_ms));
    }
  }

  double duration_s_;
  FederationSpec& out_;
  IssueLog& log_;
  FieldMarks& marks_;
};

}  // namespace

void ReadFederationSection(const YAML::Node& node, double duration_s, FederationSpec& out, IssueLog& log,
                           FieldMarks& marks) {
  FederationReader(duration_s, out, log, marks).Read(node);
}

}  // namespace cdnlab
