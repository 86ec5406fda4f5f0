#include "models/routing/resolver_cache.h"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace cdnlab {

std::string CanonicalDnsName(const std::string& name) {
  std::string out = name;
  if (!out.empty() && out.back() == '.') out.pop_back();
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::optional<ResolverCache::Hit> ResolverCache::Lookup(const std::string& qname, Ipv4Address client, SimTime now) {
  std::optional<Hit> hit = Peek(qname, client, now);
  ++(hit ? hits_ : misses_);
  return hit;
}

std::optional<ResolverCache::Hit> ResolverCache::Peek(const std::string& qname, Ipv4Address client,
                                                      SimTime now) const {
  const std::string name = CanonicalDnsName(qname);
  // The most specific unexpired entry that covers the client wins (RFC 7871 section 7.3.1).
  const Entry* best = nullptr;
  int best_len = -1;
  for (auto it = entries_.lower_bound(Key{name, false, {}}); it != entries_.end() && it->first.qname == name; ++it) {
    if (it->second.expires_at <= now) continue;
    const int len = it->first.scoped ? it->first.scope.length : -1;
    if (it->first.scoped && !it->first.scope.Contains(client)) continue;
    if (best == nullptr || len > best_len) {
      best = &it->second;
      best_len = len;
    }
  }
  if (best == nullptr) return std::nullopt;
  return Hit{best->answer, best->expires_at - now};
}

void ResolverCache::Insert(const std::string& qname, std::optional<Ipv4Prefix> scope, const DnsAnswer& answer,
                           SimTime now) {
  Key key{CanonicalDnsName(qname), scope.has_value(), scope.value_or(Ipv4Prefix{})};
  entries_[key] = Entry{answer, now + answer.ttl};
}

std::size_t ResolverCache::PurgeExpired(SimTime now) {
  std::size_t purged = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.expires_at <= now) {
      it = entries_.erase(it);
      ++purged;
    } else {
      ++it;
    }
  }
  return purged;
}

}  // namespace cdnlab
