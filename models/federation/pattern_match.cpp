#include "models/federation/pattern_match.h"

#include <cctype>
#include <vector>

namespace cdnlab {
namespace {

struct Token {
  enum Kind { kLiteral, kAnyRun, kAnyOne } kind;
  char c = 0;
};

std::vector<Token> Tokenize(const std::string& pattern) {
  std::vector<Token> out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      out.push_back({Token::kLiteral, pattern[++i]});
    } else if (pattern[i] == '*') {
      out.push_back({Token::kAnyRun, 0});
    } else if (pattern[i] == '?') {
      out.push_back({Token::kAnyOne, 0});
    } else {
      out.push_back({Token::kLiteral, pattern[i]});
    }
  }
  return out;
}

bool Same(char a, char b, bool case_sensitive) {
  return case_sensitive ? a == b
                        : std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

}  // namespace

bool PatternMatch::WellFormed() const {
  std::size_t trailing = 0;
  for (auto it = pattern.rbegin(); it != pattern.rend() && *it == '\\'; ++it) ++trailing;
  return trailing % 2 == 0;
}

bool PatternMatch::Matches(const std::string& url) const {
  const std::string subject = match_query_string ? url : url.substr(0, url.find('?'));
  const std::vector<Token> tokens = Tokenize(pattern);
  // Iterative wildcard matching with backtracking to the last '*': linear in practice and
  // never exponential, so hostile patterns cannot stall an invocation system.
  std::size_t t = 0, s = 0;
  std::size_t star = std::string::npos, star_s = 0;
  while (s < subject.size()) {
    if (t < tokens.size() && (tokens[t].kind == Token::kAnyOne ||
                              (tokens[t].kind == Token::kLiteral && Same(tokens[t].c, subject[s], case_sensitive)))) {
      ++t;
      ++s;
    } else if (t < tokens.size() && tokens[t].kind == Token::kAnyRun) {
      star = t++;
      star_s = s;
    } else if (star != std::string::npos) {
      t = star + 1;
      s = ++star_s;
    } else {
      return false;
    }
  }
  while (t < tokens.size() && tokens[t].kind == Token::kAnyRun) ++t;
  return t == tokens.size();
}

}  // namespace cdnlab
