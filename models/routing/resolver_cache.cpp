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
  // The most specific unexpired entry that covers the client wins (RFC 7871 section 7.3.1):
  // the client's own prefix at each length in use, longest first, then the unscoped entry.
  const Entry* best = nullptr;
  for (int len = 32; len >= 0 && best == nullptr; --len) {
    if (scoped_by_length_[static_cast<std::size_t>(len)] == 0) continue;
    const auto it = entries_.find(Key{name, true, Ipv4Prefix::Of(client, static_cast<std::uint8_t>(len))});
    if (it != entries_.end() && it->second.expires_at > now) best = &it->second;
  }
  if (best == nullptr) {
    const auto it = entries_.find(Key{name, false, {}});
    if (it != entries_.end() && it->second.expires_at > now) best = &it->second;
  }
  if (best == nullptr) return std::nullopt;
  return Hit{best->answer, best->expires_at - now};
}

void ResolverCache::Insert(const std::string& qname, std::optional<Ipv4Prefix> scope, const DnsAnswer& answer,
                           SimTime now) {
  // Host bits cleared, so lookups (which build the client's prefix) find it.
  if (scope) scope = Ipv4Prefix::Of(scope->network, scope->length);
  Key key{CanonicalDnsName(qname), scope.has_value(), scope.value_or(Ipv4Prefix{})};
  const SimTime expires_at = now + answer.ttl;
  const auto [it, added] = entries_.insert_or_assign(key, Entry{answer, expires_at});
  if (added && key.scoped) ++scoped_by_length_[key.scope.length];
  expiry_.push(Expiry{expires_at, std::move(key)});
}

void ResolverCache::Erase(std::map<Key, Entry>::iterator it) {
  if (it->first.scoped) --scoped_by_length_[it->first.scope.length];
  entries_.erase(it);
}

std::size_t ResolverCache::PurgeExpired(SimTime now) {
  std::size_t purged = 0;
  while (!expiry_.empty() && expiry_.top().at <= now) {
    const Expiry due = expiry_.top();
    expiry_.pop();
    const auto it = entries_.find(due.key);
    if (it == entries_.end() || it->second.expires_at != due.at) continue;  // re-inserted since
    Erase(it);
    ++purged;
  }
  return purged;
}

}  // namespace cdnlab
