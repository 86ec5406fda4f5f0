#pragma once
#include <array>
#include <queue>
#include <vector>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/net/ip_address_hash.h"
#include "models/routing/dns_question.h"

namespace cdnlab {

// The answer cache of a recursive resolver, with RFC 7871 scoping: an answer whose scope
// is a /N serves only clients inside that /N (of the same family); an answer without scope
// serves everyone.
// Entries expire after their TTL.
class ResolverCache {
 public:
  struct Hit {
    DnsAnswer answer;
    Duration remaining_ttl{0};
  };

  // Entries are per (name, qtype): an A answer never answers AAAA.
  std::optional<Hit> Lookup(const std::string& qname, const IpAddress& client, SimTime now,
                            std::uint16_t qtype = static_cast<std::uint16_t>(DnsType::kA));
  // What Lookup would answer, without counting a hit or miss (for observers like the evaluator).
  std::optional<Hit> Peek(const std::string& qname, const IpAddress& client, SimTime now,
                          std::uint16_t qtype = static_cast<std::uint16_t>(DnsType::kA)) const;
  // `scope` is the client prefix the answer is valid for (nullopt = all clients).
  void Insert(const std::string& qname, std::optional<IpPrefix> scope, const DnsAnswer& answer, SimTime now,
              std::uint16_t qtype = static_cast<std::uint16_t>(DnsType::kA));
  // Drops expired entries; returns how many.
  std::size_t PurgeExpired(SimTime now);

  std::size_t Size() const { return entries_.size(); }
  std::uint64_t Hits() const { return hits_; }
  std::uint64_t Misses() const { return misses_; }

 private:
  struct Key {
    std::string qname;       // lower-case, no trailing dot
    std::uint16_t qtype = 0;
    bool scoped = false;
    IpPrefix scope;
    friend bool operator<(const Key& a, const Key& b) {
      if (a.qname != b.qname) return a.qname < b.qname;
      if (a.qtype != b.qtype) return a.qtype < b.qtype;
      if (a.scoped != b.scoped) return a.scoped < b.scoped;
      return a.scope < b.scope;
    }
    friend bool operator==(const Key& a, const Key& b) {
      return a.qtype == b.qtype && a.scoped == b.scoped && a.scope == b.scope && a.qname == b.qname;
    }
  };
  // Hashed, not ordered: every client query looks up one key per scope length in use, and
  // nothing walks the entries in order.
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      return std::hash<std::string>{}(k.qname) ^ (IpPrefixHash{}(k.scope) * 31 + k.qtype * 2 + (k.scoped ? 1 : 0));
    }
  };
  struct Entry {
    DnsAnswer answer;
    SimTime expires_at{0};
  };
  // When each inserted entry expires, soonest first; an entry re-inserted since leaves a stale
  // item behind, which purging skips. Purging is then O(expired log n), not a scan per query.
  struct Expiry {
    SimTime at;
    Key key;
  };
  struct ExpiresLater {
    bool operator()(const Expiry& a, const Expiry& b) const { return a.at > b.at; }
  };
  void Erase(std::unordered_map<Key, Entry, KeyHash>::iterator it);
  std::uint32_t& ScopedCount(const IpPrefix& scope) { return scoped_by_length_[scope.IsV4() ? 0 : 1][scope.Length()]; }

  std::unordered_map<Key, Entry, KeyHash> entries_;
  std::priority_queue<Expiry, std::vector<Expiry>, ExpiresLater> expiry_;
  // How many scoped entries have each prefix length: a lookup tries only those lengths
  // (one find each) instead of walking every entry of the name (one per client subnet).
  // Per family (IPv4, IPv6), then length.
  std::array<std::array<std::uint32_t, 129>, 2> scoped_by_length_{};
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

// Lower-cases a DNS name and strips one trailing dot ("CDN.Example.net." -> "cdn.example.net").
std::string CanonicalDnsName(const std::string& name);

}  // namespace cdnlab
