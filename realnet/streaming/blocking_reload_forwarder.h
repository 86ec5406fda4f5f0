#pragma once
// How a cache (stream-cache) answers LL-HLS playlist requests that carry delivery directives
// (_HLS_msn/_HLS_part blocking reloads, _HLS_skip delta updates): they are passed upstream with
// the query (canonical form), identical waiting requests are collapsed into one upstream
// request (BlockingReloadRegistry), and a blocking reload's answer is kept briefly: a later
// request with the same _HLS_msn/_HLS_part is already satisfied by it. The upstream's status passes through (400 for
// a request too far ahead, 503 after the origin's bound). A fetch that gets no answer (the
// upstream died: an ingest killed under a failover) is tried again every 250 ms for up to 3 s,
// the upstream named anew each time (the directory then names the ingest taking over); after
// that it is a 502 naming why.
// Part and segment requests need nothing of this: the cache node fetches them, and the
// origin holds a request for the hinted part until it exists.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include <boost/asio/io_context.hpp>

#include "models/net/endpoint.h"
#include "models/streaming/blocking_reload_registry.h"
#include "models/streaming/delivery_directives.h"
#include "realnet/net/asio_clock.h"
#include "realnet/net/http_client.h"
#include "realnet/net/http_server.h"

namespace cdnlab {

struct BlockingReloadForwarderStats {
  std::uint64_t requests = 0;
  std::uint64_t hits = 0;       // answered from a kept answer
  std::uint64_t collapsed = 0;  // joined an identical request already waiting upstream
  std::uint64_t upstream_requests = 0;
  std::uint64_t upstream_failures = 0;  // no answer (timeout, refused), tried again or 502
};

class BlockingReloadForwarder {
 public:
  // Where a stream's playlist comes from (the parent cache, or the ingest the directory
  // names); nullopt: nowhere known (404).
  using Upstream = std::function<std::optional<Endpoint>(const StreamId& stream)>;

  // `timeout`: an upstream request may be held up to the origin's bound (3 target durations)
  // per tier, so this is longer than ordinary fetches. `keep`: how long an answer is reused.
  BlockingReloadForwarder(boost::asio::io_context& io, AsioClock& clock, StreamingHttpClientOptions options,
                          Duration keep, std::string node, Upstream upstream);
  ~BlockingReloadForwarder();

  void Serve(const StreamId& stream, const DeliveryDirectives& directives, StreamingHttpServer::Respond respond);
  const BlockingReloadForwarderStats& Stats() const { return stats_; }
  std::size_t Waiting() const { return waiting_.Waiting(); }

 private:
  using Key = std::pair<StreamId, DeliveryDirectives>;
  struct Kept {
    StreamingHttpReply reply;
    SimTime until{0};
  };
  // Asks the upstream for `key` (again, after a failure, until `retry_until`).
  void Fetch(const Key& key, SimTime retry_until);
  void RetryLater(const Key& key, SimTime retry_until, StreamingHttpReply otherwise);
  StreamingHttpReply ReplyOf(const StreamingHttpResponse& r);

  AsioClock& clock_;
  StreamingHttpClient client_;
  Duration keep_;
  std::string node_;
  Upstream upstream_;
  BlockingReloadRegistry<Key, StreamingHttpReply> waiting_;
  std::map<Key, Kept> kept_;
  BlockingReloadForwarderStats stats_;
  std::set<TimerId> retries_;
};

}  // namespace cdnlab
