#include "realnet/streaming/content_fetcher.h"

#include <cstdint>
#include <map>
#include <string>

#include "realnet/streaming/m3u8_reader.h"

namespace cdnlab {

namespace {

// The Age header's whole seconds (RFC 9111 5.1); 0 when absent or not a number.
std::int64_t AgeSeconds(const std::map<std::string, std::string>& headers) {
  const auto it = headers.find("age");
  if (it == headers.end() || it->second.empty() || it->second.size() > 9) return 0;
  std::int64_t value = 0;
  for (char c : it->second) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

HttpContentFetcher::HttpContentFetcher(boost::asio::io_context& io, StreamingHttpClientOptions options,
                                       const Clock* clock)
    : client_(io, options), clock_(clock) {}

void HttpContentFetcher::Fetch(const std::string& from_node, const Endpoint& to, const ContentKey& key, Done done) {
  client_.Request(to, "GET", "/" + key.ToString(), "", "",
                  [this, to, key, done = std::move(done)](const StreamingHttpResponse& r) {
                    ContentResponse response;
                    if (!r.ok || (r.status != 200 && r.status != 404)) ++failures_;
                    if (r.ok && r.status == 200) {
                      response.found = true;
                      response.body = r.body;
                      response.bytes = r.body->size();
                      const auto by = r.headers.find("x-served-by");
                      response.served_by = by != r.headers.end() ? by->second : to.ToString();
                      if (clock_ != nullptr) {
                        const auto age = static_cast<double>(AgeSeconds(r.headers));
                        response.produced_at = clock_->Now() - FromSeconds(age);
                      }
                      if (key.playlist) {
                        response.playlist = ReadM3u8(*r.body, key.stream);
                        if (!response.playlist) response = ContentResponse{};  // not a playlist we can serve
                      }
                    }
                    done(response);
                  });
}

}  // namespace cdnlab
