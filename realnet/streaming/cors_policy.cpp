#include "realnet/streaming/cors_policy.h"

#include <algorithm>
#include <stdexcept>

namespace cdnlab {
namespace {

// The request headers a player may send (hls.js sends Range for byte-range playlists; the
// rest are what fetch() and XHR add when a page asks for a fresh copy).
constexpr char kAllowHeaders[] = "Range, Accept, Accept-Language, Content-Language, Cache-Control, Pragma, "
                                 "If-None-Match, If-Modified-Since";
// What a page may read beyond the CORS-safelisted response headers.
constexpr char kExposeHeaders[] = "Age, Content-Length, Content-Range, Accept-Ranges, Date, X-Served-By, X-Cache";

bool IsOriginChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == ':' || c == '[' || c == ']';
}

// "http://host[:port]" or "https://host[:port]": what a browser sends as Origin.
bool IsSerializedOrigin(const std::string& origin) {
  std::string rest;
  if (origin.rfind("http://", 0) == 0) {
    rest = origin.substr(7);
  } else if (origin.rfind("https://", 0) == 0) {
    rest = origin.substr(8);
  } else {
    return false;
  }
  return !rest.empty() && rest[0] != ':' && std::all_of(rest.begin(), rest.end(), IsOriginChar);
}

}  // namespace

CorsPolicy::CorsPolicy(std::vector<std::string> allowed_origins) {
  for (std::string& origin : allowed_origins) {
    if (origin == "*") {
      any_ = true;
      continue;
    }
    if (!IsSerializedOrigin(origin)) {
      throw std::invalid_argument("--cors-origin '" + origin +
                                  "': expected * or an origin such as https://player.example:8443 "
                                  "(scheme, host and optional port; no path)");
    }
    origins_.push_back(std::move(origin));
  }
}

std::string CorsPolicy::AllowedOrigin(const std::string& origin) const {
  if (origin.empty()) return "";
  if (any_) return "*";
  return std::find(origins_.begin(), origins_.end(), origin) != origins_.end() ? origin : "";
}

void CorsPolicy::Decorate(const StreamingHttpRequest& request, StreamingHttpReply& reply) const {
  if (!Enabled()) return;
  if (!any_) reply.headers.emplace_back("Vary", "Origin");
  const std::string allowed = AllowedOrigin(request.Header("origin"));
  if (allowed.empty()) return;
  reply.headers.emplace_back("Access-Control-Allow-Origin", allowed);
  reply.headers.emplace_back("Access-Control-Expose-Headers", kExposeHeaders);
}

StreamingHttpReply CorsPolicy::Options(const StreamingHttpRequest& request) const {
  StreamingHttpReply reply;
  reply.status = 204;
  reply.headers.emplace_back("Allow", kAllowMethods);
  const bool preflight = !request.Header("origin").empty() && !request.Header("access-control-request-method").empty();
  if (!preflight || !Enabled()) return reply;
  if (!any_) reply.headers.emplace_back("Vary", "Origin");
  const std::string allowed = AllowedOrigin(request.Header("origin"));
  if (allowed.empty()) return reply;  // no Access-Control-Allow-Origin: the browser refuses
  reply.headers.emplace_back("Access-Control-Allow-Origin", allowed);
  reply.headers.emplace_back("Access-Control-Allow-Methods", kAllowMethods);
  reply.headers.emplace_back("Access-Control-Allow-Headers", kAllowHeaders);
  reply.headers.emplace_back("Access-Control-Max-Age", std::to_string(kMaxAgeSeconds));
  return reply;
}

}  // namespace cdnlab
