#pragma once
// The ContentFetcher port over real HTTP: GET http://<to>/<ContentKey::ToString()>. A 200
// is a found response carrying the body; a playlist must also read as one (see
// streaming_m3u8_reader.h), else it counts as not found, like a 404, a timeout, a refused
// connection or any other status. `served_by` is the peer's X-Served-By header (or its
// address), so a viewer can tell which node produced what it got. With a clock, `produced_at`
// is the arrival time less the peer's Age header (an ingest sends none: age 0), so a cache's
// Age covers every tier above it.
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "models/ports/clock.h"
#include "models/streaming/content_fetcher.h"
#include "realnet/net/http_client.h"

namespace cdnlab {

class HttpContentFetcher final : public ContentFetcher {
 public:
  HttpContentFetcher(boost::asio::io_context& io, StreamingHttpClientOptions options = {},
                     const Clock* clock = nullptr);
  void Fetch(const std::string& from_node, const Endpoint& to, const ContentKey& key, Done done) override;
  std::uint64_t Failures() const { return failures_; }

 private:
  StreamingHttpClient client_;
  const Clock* clock_;
  std::uint64_t failures_ = 0;  // transport failures and non-200 answers other than 404
};

// The response header naming the node that produced a response.
inline constexpr char kServedByHeader[] = "X-Served-By";

}  // namespace cdnlab
