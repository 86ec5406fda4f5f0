#pragma once
// CORS (the Fetch standard) for the live-streaming caches, so a player page on another origin
// (hls.js in a browser) may read playlists and segments. Configured with the origins allowed
// ("*" = any); with none, no CORS header is ever sent and OPTIONS only says what is allowed.
//  - A GET/HEAD whose Origin is allowed gets Access-Control-Allow-Origin (the origin itself,
//    or "*" when any is allowed) and Access-Control-Expose-Headers (Age, Content-Range, ...).
//  - A preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered 204 with
//    Allow-Methods, Allow-Headers and Max-Age when the origin is allowed; without
//    Access-Control-Allow-Origin otherwise (the browser then refuses the request).
//  - Responses vary with Origin whenever specific origins are listed (Vary: Origin), so a
//    shared cache in front never hands one origin's answer to another.
#include <string>
#include <vector>

#include "realnet/net/http_server.h"

namespace cdnlab {

class CorsPolicy {
 public:
  CorsPolicy() = default;
  // Throws std::invalid_argument naming an origin that is neither "*" nor
  // "http[s]://host[:port]" (no path, no trailing slash).
  explicit CorsPolicy(std::vector<std::string> allowed_origins);

  bool Enabled() const { return any_ || !origins_.empty(); }
  // Adds the CORS headers a GET/HEAD reply to `request` carries (none when not allowed).
  void Decorate(const StreamingHttpRequest& request, StreamingHttpReply& reply) const;
  // The answer to an OPTIONS request (preflight or not): 204 with Allow.
  StreamingHttpReply Options(const StreamingHttpRequest& request) const;

  static constexpr char kAllowMethods[] = "GET, HEAD, OPTIONS";
  static constexpr int kMaxAgeSeconds = 600;

 private:
  // The Access-Control-Allow-Origin value for this Origin, "" when not allowed.
  std::string AllowedOrigin(const std::string& origin) const;

  bool any_ = false;
  std::vector<std::string> origins_;
};

}  // namespace cdnlab
