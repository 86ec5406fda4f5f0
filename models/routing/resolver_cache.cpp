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

std::optional<ResolverCache::Hit> ResolverCache::Lookup(const std::string& qname, const IpAddress& client, SimTime now,
                                                        std::uint16_t qtype) {
  std::optional<Hit> hit = Peek(qname, client, now, qtype);
  ++(hit ? hits_ : misses_);
  return hit;
}

std::optional<ResolverCache::Hit> ResolverCache::Peek(const std::string& qname, const IpAddress& client,
                                                      SimTime now, std::uint16_t qtype) const {
  const std::string name = CanonicalDnsName(qname);
  // The most specific unexpired entry that covers the client wins (RFC 7871 section 7.3.1):
  // the client's own prefix at each length in use, longest first, then the unscoped entry.
  const Entry* best = nullptr;
  const auto& lengths = scoped_by_length_[client.IsV4() ? 0 : 1];
  for (int len = client.Width(); len >= 0 && best == nullptr; --len) {
    if (lengths[static_cast<std::size_t>(len)] == 0) continue;
    const auto it = entries_.find(Key{name, qtype, true, IpPrefix::Of(client, static_cast<std::uint8_t>(len))});
    if (it != entries_.end() && it->second.expires_at > now) best = &it->second;
  }
  if (best == nullptr) {
    const auto it = entries_.find(Key{name, qtype, false, {}});
    if (it != entries_.end() && it->second.expires_at > now) best = &it->second;
  }
  if (best == nullptr) return std::nullopt;
  return Hit{best->answer, best->expires_at - now};
}

void ResolverCache::Insert(const std::string& qname, std::optional<IpPrefix> scope, const DnsAnswer& answer,
                           SimTime now, std::uint16_t qtype) {
  // Host bits cleared, so lookups (which build the client's prefix) find it.
  if (scope) scope = IpPrefix::Of(scope->Network(), scope->Length());
  Key key{CanonicalDnsName(qname), qtype, scope.has_value(), scope.value_or(IpPrefix{})};
  const SimTime expires_at = now + answer.ttl;
  const auto [it, added] = entries_.insert_or_assign(key, Entry{answer, expires_at});
  if (added && key.scoped) ++ScopedCount(key.scope);
  expiry_.push(Expiry{expires_at, std::move(key)});
}

void ResolverCache::Erase(std::unordered_map<Key, Entry, KeyHash>::iterator it) {
  if (it->first.scoped) --ScopedCount(it->first.scope);
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
