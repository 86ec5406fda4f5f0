#pragma once
#include <string>

namespace cdnlab {

// An RFC 8007 PatternMatch: '*' matches any run of characters (also empty), '?' exactly one,
// and '\' escapes the next character. Case-insensitive unless `case_sensitive`; the query
// string ("?..." after the path) is ignored unless `match_query_string`.
struct PatternMatch {
  std::string pattern;
  bool case_sensitive = false;
  bool match_query_string = false;

  bool Matches(const std::string& url) const;
  // False for a pattern ending in a lone '\' (nothing to escape).
  bool WellFormed() const;

  friend bool operator==(const PatternMatch& a, const PatternMatch& b) {
    return a.pattern == b.pattern && a.case_sensitive == b.case_sensitive &&
           a.match_query_string == b.match_query_string;
  }
};

}  // namespace cdnlab
