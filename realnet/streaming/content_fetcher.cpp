#include "realnet/streaming/content_fetcher.h"

#include "realnet/streaming/m3u8_reader.h"

namespace cdnlab {

HttpContentFetcher::HttpContentFetcher(boost::asio::io_context& io, StreamingHttpClientOptions options)
    : client_(io, options) {}

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
                      if (key.playlist) {
                        response.playlist = ReadM3u8(*r.body, key.stream);
                        if (!response.playlist) response = ContentResponse{};  // not a playlist we can serve
                      }
                    }
                    done(response);
                  });
}

}  // namespace cdnlab
