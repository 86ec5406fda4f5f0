#pragma once
// Which cached objects a trigger's content entries (urls, patterns, ccids) select, built once
// per command so a large trigger stays fast against a large cache: listed URLs are a hash set
// of content keys (one lookup per object, whatever the list's length), and patterns are
// indexed by their literal prefix (the text before the first wildcard), so an object is only
// matched against the patterns whose prefix it starts with. 100,000 URLs or 10,000 patterns
// against N objects cost about N lookups, not N x 100,000 comparisons.
// A listed URL matches whatever its scheme (http/https) and host case; patterns apply to the
// URL as stored (RFC 8007 PatternMatch, see pattern_match.h).
#include <cstddef>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "models/federation/content_store.h"
#include "models/federation/trigger_command.h"

namespace cdnlab {

class ContentSelector {
 public:
  explicit ContentSelector(const TriggerSpec& trigger);

  bool Selects(const CachedObject& object) const;

 private:
  // Patterns sharing one literal prefix; the prefix is lower-cased for case-insensitive ones.
  using PrefixIndex = std::unordered_map<std::string, std::vector<const PatternMatch*>>;
  static void IndexPattern(const PatternMatch& pattern, PrefixIndex& index, std::vector<std::size_t>& lengths);
  bool AnyPatternMatches(const std::string& url) const;

  std::unordered_set<std::string> url_keys_;
  std::unordered_set<std::string> ccids_;
  std::vector<PatternMatch> patterns_;  // owned copies: the index points into them
  PrefixIndex exact_prefixes_;          // case-sensitive patterns
  PrefixIndex folded_prefixes_;         // case-insensitive patterns, by lower-cased prefix
  std::vector<std::size_t> exact_lengths_;   // the distinct prefix lengths present, ascending
  std::vector<std::size_t> folded_lengths_;
};

// A URL as a cache keys it for a trigger: without its scheme and with its host lower-cased
// (RFC 3986); the path and query stay exact.
std::string ContentKey(const std::string& url);

}  // namespace cdnlab
