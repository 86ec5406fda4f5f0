#include "models/federation/trigger_admission.h"

#include <algorithm>

#include <fmt/format.h>

#include "models/federation/pattern_match.h"

namespace cdnlab {
namespace {

using ConfigSet = std::set<std::string>;

// The host part of a URL pattern ("https://www.*.example/x*" -> "www.*.example"), or
// nullopt when the pattern does not start with a scheme and a host: it may then match URLs
// of any configuration.
std::optional<std::string> PatternHost(const std::string& pattern) {
  const auto scheme = pattern.find("://");
  if (scheme == std::string::npos) return std::nullopt;
  const auto start = scheme + 3;
  const auto end = pattern.find('/', start);
  return pattern.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// Every configuration an entry refers to, whoever owns it.
ConfigSet ConfigurationsOfUrl(const FederationCatalog& catalog, const std::string& url) {
  const auto ids = catalog.ConfigurationsOfHost(UrlHost(url));
  return ConfigSet(ids.begin(), ids.end());
}

ConfigSet ConfigurationsOfContentPattern(const FederationCatalog& catalog, const PatternMatch& pattern) {
  ConfigSet out;
  const auto host = PatternHost(pattern.pattern);
  for (const auto& c : catalog.Configurations()) {
    if (!host) {
      out.insert(c.id);
      continue;
    }
    // Host names are case-insensitive whatever the pattern's own case option says.
    const PatternMatch host_glob{*host, false, true};
    if (std::any_of(c.hosts.begin(), c.hosts.end(), [&](const std::string& h) { return host_glob.Matches(h); })) {
      out.insert(c.id);
    }
  }
  return out;
}

ConfigSet ConfigurationsOfCcid(const FederationCatalog& catalog, const std::string& ccid) {
  ConfigSet out;
  for (const auto& c : catalog.Configurations()) {
    if (std::find(c.ccids.begin(), c.ccids.end(), ccid) != c.ccids.end()) out.insert(c.id);
  }
  return out;
}

ConfigSet ConfigurationsOfMetadataUrl(const FederationCatalog& catalog, const std::string& url) {
  const auto id = catalog.ConfigurationOfMetadataUrl(url);
  return id ? ConfigSet{*id} : ConfigSet{};
}

ConfigSet ConfigurationsOfMetadataPattern(const FederationCatalog& catalog, const PatternMatch& pattern) {
  ConfigSet out;
  for (const auto& c : catalog.Configurations()) {
    if (!c.metadata_url.empty() && pattern.Matches(c.metadata_url)) out.insert(c.id);
  }
  return out;
}

ConfigSet Intersect(const ConfigSet& a, const ConfigSet& b) {
  ConfigSet out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
  return out;
}

// Decides each entry of a trigger: kept (its allowed configurations join the result) or
// refused with an error. One instance per admission.
class EntryJudge {
 public:
  EntryJudge(ConfigSet allowed, AdmissionResult& result) : allowed_(std::move(allowed)), result_(result) {}

  // `refs`: the configurations the entry refers to. Returns whether the entry is kept.
  // `unknown_code`: the error when it refers to nothing at all (nullopt: silently nothing to do).
  bool Judge(const ConfigSet& refs, std::optional<TriggerErrorCode> unknown_code, TriggerError error) {
    const ConfigSet ok = Intersect(refs, allowed_);
    if (!ok.empty()) {
      configurations_.insert(ok.begin(), ok.end());
      return true;
    }
    if (refs.empty() && !unknown_code) return false;
    error.code = refs.empty() ? *unknown_code : TriggerErrorCode::kEperm;
    if (error.description.empty()) {
      error.description = refs.empty() ? "refers to no configuration known here"
                                       : "refers only to configurations the requester does not own";
    }
    result_.errors.push_back(std::move(error));
    return false;
  }

  ConfigSet Configurations() const { return configurations_; }

 private:
  ConfigSet allowed_;
  ConfigSet configurations_;
  AdmissionResult& result_;
};

AdmissionResult Reject(TriggerErrorCode code, std::string description) {
  AdmissionResult r;
  r.rejected = true;
  TriggerError e;
  e.code = code;
  e.description = std::move(description);
  r.errors.push_back(std::move(e));
  return r;
}

}  // namespace

std::vector<std::string> CommandableConfigurations(const FederationCatalog& catalog, const std::string& platform,
                                                   const std::string& principal) {
  std::vector<std::string> out;
  const ContentProvider* provider = catalog.Provider(principal);
  for (const auto& d : catalog.Deployments()) {
    if (d.platform != platform) continue;
    const FederationConfiguration* c = catalog.Configuration(d.configuration);
    const bool owner = provider && provider->platform == platform && c && c->provider == principal;
    const bool delegator = !d.delegated_by.empty() && d.delegated_by == principal;
    if (owner || delegator) out.push_back(d.configuration);
  }
  std::sort(out.begin(), out.end());
  return out;
}

AdmissionResult AdmitTrigger(const FederationCatalog& catalog, const std::string& platform,
                             const std::string& principal, const TriggerCommand& command) {
  const FederationPlatform* self = catalog.Platform(platform);
  if (!self) return Reject(TriggerErrorCode::kEcdn, fmt::format("platform '{}' is not in the federation", platform));
  if (CdnPathContains(command, platform)) {
    return Reject(TriggerErrorCode::kEreject,
                  fmt::format("cdn-path already contains '{}': accepting would loop", platform));
  }
  const TriggerSpec& t = command.trigger;
  if (self->supported_types.count(t.type) == 0) {
    return Reject(TriggerErrorCode::kEunsupported,
                  fmt::format("platform '{}' does not support '{}' triggers", platform, TypeName(t)));
  }
  if (t.type == TriggerType::kPreposition && (!t.content_patterns.empty() || !t.metadata_patterns.empty() ||
                                              !t.content_ccids.empty())) {
    // Prepositioning needs concrete objects to fetch; a pattern or a collection names none.
    return Reject(TriggerErrorCode::kEunsupported, "preposition takes URLs only, not patterns or content collections");
  }

  // Every other type, statistics included, selects configurations the same way: by content
  // URLs, patterns and collections, and by metadata URLs and patterns.
  AdmissionResult result;
  const auto commandable = CommandableConfigurations(catalog, platform, principal);
  EntryJudge judge(ConfigSet(commandable.begin(), commandable.end()), result);
  TriggerSpec& kept = result.admitted;
  kept.type = t.type;
  kept.extensions = t.extensions;  // passed on to downstream CDNs (RFC 8007 section 5)
  // Content under a host no configuration serves has no metadata here: "emeta", as in RFC 8007
  // section 6's error example ("... not in HostIndex"). "eperm" is for another party's content.
  for (const auto& url : t.content_urls) {
    TriggerError e;
    e.content_urls = {url};
    const ConfigSet refs = ConfigurationsOfUrl(catalog, url);
    if (refs.empty()) {
      e.description = fmt::format("no configuration here serves host '{}' (not in the HostIndex)", UrlHost(url));
    }
    if (judge.Judge(refs, TriggerErrorCode::kEmeta, e)) kept.content_urls.push_back(url);
  }
  for (const auto& p : t.content_patterns) {
    TriggerError e;
    e.content_patterns = {p};
    if (judge.Judge(ConfigurationsOfContentPattern(catalog, p), TriggerErrorCode::kEmeta, e)) {
      kept.content_patterns.push_back(p);
    }
  }
  if (!t.content_ccids.empty() && !self->supports_content_ccid) {
    TriggerError e;
    e.code = TriggerErrorCode::kEunsupported;
    e.description = fmt::format("platform '{}' does not support content collections (content.ccid: {})", platform,
                                fmt::join(t.content_ccids, ", "));
    result.errors.push_back(e);
  } else {
    for (const auto& ccid : t.content_ccids) {
      TriggerError e;
      e.description = fmt::format("content collection '{}' belongs to configurations the requester does not own", ccid);
      // A collection nobody has is simply nothing to do, like an uncached URL.
      if (judge.Judge(ConfigurationsOfCcid(catalog, ccid), std::nullopt, e)) kept.content_ccids.push_back(ccid);
    }
  }
  for (const auto& url : t.metadata_urls) {
    TriggerError e;
    e.metadata_urls = {url};
    if (judge.Judge(ConfigurationsOfMetadataUrl(catalog, url), TriggerErrorCode::kEmeta, e)) {
      kept.metadata_urls.push_back(url);
    }
  }
  for (const auto& p : t.metadata_patterns) {
    TriggerError e;
    e.metadata_patterns = {p};
    if (judge.Judge(ConfigurationsOfMetadataPattern(catalog, p), TriggerErrorCode::kEmeta, e)) {
      kept.metadata_patterns.push_back(p);
    }
  }
  const ConfigSet configs = judge.Configurations();
  result.configurations.assign(configs.begin(), configs.end());
  return result;
}

TriggerSpec RestrictTrigger(const FederationCatalog& catalog, const TriggerSpec& trigger,
                            const std::set<std::string>& configurations) {
  const auto touches = [&](const ConfigSet& refs) { return !Intersect(refs, configurations).empty(); };
  TriggerSpec out;
  out.type = trigger.type;
  out.extensions = trigger.extensions;
  for (const auto& u : trigger.content_urls) {
    if (touches(ConfigurationsOfUrl(catalog, u))) out.content_urls.push_back(u);
  }
  for (const auto& p : trigger.content_patterns) {
    if (touches(ConfigurationsOfContentPattern(catalog, p))) out.content_patterns.push_back(p);
  }
  for (const auto& c : trigger.content_ccids) {
    if (touches(ConfigurationsOfCcid(catalog, c))) out.content_ccids.push_back(c);
  }
  for (const auto& u : trigger.metadata_urls) {
    if (touches(ConfigurationsOfMetadataUrl(catalog, u))) out.metadata_urls.push_back(u);
  }
  for (const auto& p : trigger.metadata_patterns) {
    if (touches(ConfigurationsOfMetadataPattern(catalog, p))) out.metadata_patterns.push_back(p);
  }
  return out;
}

}  // namespace cdnlab
