#include "models/federation/content_selector.h"

#include <algorithm>
#include <cctype>

namespace cdnlab {
namespace {

std::string Folded(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// The characters a pattern matches literally before its first '*' or '?' (escapes resolved).
std::string LiteralPrefix(const std::string& pattern) {
  std::string prefix;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '*' || pattern[i] == '?') break;
    if (pattern[i] == '\\' && i + 1 < pattern.size()) ++i;
    prefix += pattern[i];
  }
  return prefix;
}

void AddLength(std::vector<std::size_t>& lengths, std::size_t length) {
  const auto at = std::lower_bound(lengths.begin(), lengths.end(), length);
  if (at == lengths.end() || *at != length) lengths.insert(at, length);
}

}  // namespace

std::string ContentKey(const std::string& url) {
  const auto scheme = url.find("://");
  const auto host_start = scheme == std::string::npos ? 0 : scheme + 3;
  const auto path_start = std::min(url.find('/', host_start), url.size());
  return Folded(url.substr(host_start, path_start - host_start)) + url.substr(path_start);
}

ContentSelector::ContentSelector(const TriggerSpec& trigger)
    : ccids_(trigger.content_ccids.begin(), trigger.content_ccids.end()), patterns_(trigger.content_patterns) {
  url_keys_.reserve(trigger.content_urls.size());
  for (const auto& url : trigger.content_urls) url_keys_.insert(ContentKey(url));
  for (const auto& p : patterns_) {
    if (p.case_sensitive) {
      IndexPattern(p, exact_prefixes_, exact_lengths_);
    } else {
      IndexPattern(p, folded_prefixes_, folded_lengths_);
    }
  }
}

void ContentSelector::IndexPattern(const PatternMatch& pattern, PrefixIndex& index, std::vector<std::size_t>& lengths) {
  std::string prefix = LiteralPrefix(pattern.pattern);
  if (!pattern.case_sensitive) prefix = Folded(prefix);
  AddLength(lengths, prefix.size());
  index[prefix].push_back(&pattern);
}

bool ContentSelector::AnyPatternMatches(const std::string& url) const {
  // A pattern can only match a URL that starts with its literal prefix (the subject it is
  // matched against is the URL or the URL's part before '?', a prefix of the URL either way).
  const auto try_index = [&](const PrefixIndex& index, const std::vector<std::size_t>& lengths, const std::string& text) {
    for (std::size_t length : lengths) {
      if (length > text.size()) break;
      auto it = index.find(text.substr(0, length));
      if (it == index.end()) continue;
      for (const PatternMatch* p : it->second) {
        if (p->Matches(url)) return true;
      }
    }
    return false;
  };
  if (!exact_lengths_.empty() && try_index(exact_prefixes_, exact_lengths_, url)) return true;
  return !folded_lengths_.empty() && try_index(folded_prefixes_, folded_lengths_, Folded(url));
}

bool ContentSelector::Selects(const CachedObject& object) const {
  if (!url_keys_.empty() && url_keys_.count(ContentKey(object.url)) > 0) return true;
  if (!patterns_.empty() && AnyPatternMatches(object.url)) return true;
  return !object.ccid.empty() && ccids_.count(object.ccid) > 0;
}

}  // namespace cdnlab
