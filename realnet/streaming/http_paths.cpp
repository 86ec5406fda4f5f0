#include "realnet/streaming/http_paths.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace cdnlab {

std::optional<ContentKey> ContentKeyOfTarget(const std::string& target) {
  const std::string path = target.substr(0, target.find('?'));
  if (path.empty() || path[0] != '/') return std::nullopt;  // absolute-form and '*' are not served
  return ParseContentPath(path.substr(1));
}

const char* StreamingContentType(const ContentKey& key) {
  if (key.playlist) return "application/vnd.apple.mpegurl";
  return key.init || key.container == SegmentContainer::kFmp4 ? "video/mp4" : "video/mp2t";
}

std::string StreamingCacheControl(Duration ttl) {
  if (ttl <= Duration::zero()) return "no-cache";
  const auto seconds = static_cast<long long>(std::max(1.0, std::floor(ToSeconds(ttl))));
  return fmt::format("public, max-age={}", seconds);
}

}  // namespace cdnlab

namespace cdnlab {

std::string StreamingSegmentCacheControl(Duration ttl) {
  const std::string base = StreamingCacheControl(ttl);
  return ttl <= Duration::zero() ? base : base + ", immutable";
}

}  // namespace cdnlab
