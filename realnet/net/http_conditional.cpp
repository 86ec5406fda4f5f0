#include "realnet/net/http_conditional.h"

#include <ctime>
#include <vector>

#include <fmt/format.h>

namespace cdnlab {
namespace {

// The opaque-tags of an entity-tag list ("W/\"a\", \"b\"" -> a, b); `malformed` when it is not one.
std::vector<std::string> OpaqueTags(const std::string& field, bool& malformed) {
  std::vector<std::string> tags;
  std::size_t i = 0;
  malformed = false;
  while (i < field.size()) {
    if (field[i] == ' ' || field[i] == '\t' || field[i] == ',') {
      ++i;
      continue;
    }
    if (field.compare(i, 2, "W/") == 0) i += 2;
    const auto close = i < field.size() && field[i] == '"' ? field.find('"', i + 1) : std::string::npos;
    const bool separated = close != std::string::npos &&
                           (close + 1 == field.size() || field[close + 1] == ',' || field[close + 1] == ' ' ||
                            field[close + 1] == '\t');
    if (!separated) {
      malformed = true;
      return {};
    }
    tags.push_back(field.substr(i + 1, close - i - 1));
    i = close + 1;
  }
  return tags;
}

std::string Opaque(const std::string& etag) {
  const std::string tag = etag.compare(0, 2, "W/") == 0 ? etag.substr(2) : etag;
  return tag.size() >= 2 ? tag.substr(1, tag.size() - 2) : tag;
}

}  // namespace

std::string StrongEntityTag(const std::string& body) {
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a, 64 bits: cheap, and stable across runs
  for (unsigned char c : body) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return fmt::format("\"{:016x}-{:x}\"", hash, body.size());
}

bool IfNoneMatchMatches(const std::string& field, const std::string& etag) {
  const auto first = field.find_first_not_of(" \t");
  if (first != std::string::npos && field.compare(first, 1, "*") == 0 &&
      field.find_first_not_of(" \t", first + 1) == std::string::npos) {
    return true;  // any current representation
  }
  bool malformed = false;
  const auto tags = OpaqueTags(field, malformed);
  if (malformed) return false;
  const std::string mine = Opaque(etag);
  for (const auto& t : tags) {
    if (t == mine) return true;
  }
  return false;
}

std::string HttpDate(std::int64_t unix_seconds) {
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon],
                     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace cdnlab
