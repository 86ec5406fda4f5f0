#include "realnet/streaming/blocking_reload_forwarder.h"

#include <fmt/format.h>

#include "realnet/streaming/content_fetcher.h"

namespace cdnlab {
namespace {

constexpr Duration kRetryEvery = std::chrono::milliseconds(250);
constexpr Duration kRetryFor = std::chrono::seconds(3);  // > the failover's detection (0.75 s) and re-announce

}  // namespace

BlockingReloadForwarder::BlockingReloadForwarder(boost::asio::io_context& io, AsioClock& clock,
                                                 StreamingHttpClientOptions options, Duration keep, std::string node,
                                                 Upstream upstream)
    : clock_(clock), client_(io, options), keep_(keep), node_(std::move(node)), upstream_(std::move(upstream)) {}

BlockingReloadForwarder::~BlockingReloadForwarder() {
  for (TimerId t : retries_) clock_.Cancel(t);
}

void BlockingReloadForwarder::Serve(const StreamId& stream, const DeliveryDirectives& directives,
                                    StreamingHttpServer::Respond respond) {
  ++stats_.requests;
  const SimTime now = clock_.Now();
  const Key key{stream, directives};
  // Forget what expired (the map stays as small as the requests of the last `keep`).
  for (auto it = kept_.begin(); it != kept_.end();) it = it->second.until <= now ? kept_.erase(it) : std::next(it);
  if (auto kept = kept_.find(key); kept != kept_.end()) {
    ++stats_.hits;
    StreamingHttpReply reply = kept->second.reply;
    reply.headers.emplace_back("X-Cache", "HIT");
    return respond(std::move(reply));
  }
  if (!waiting_.Wait(key, now, std::move(respond))) {
    ++stats_.collapsed;
    return;
  }
  if (!upstream_(stream)) return waiting_.Release(key, StreamingHttpReply::Text(404, "no upstream holds this stream"));
  Fetch(key, now + kRetryFor);
}

void BlockingReloadForwarder::Fetch(const Key& key, SimTime retry_until) {
  const std::optional<Endpoint> to = upstream_(key.first);
  if (!to) return RetryLater(key, retry_until, StreamingHttpReply::Text(404, "no upstream holds this stream"));
  ++stats_.upstream_requests;
  const std::string target = "/" + key.first + "/playlist.m3u8?" + key.second.Canonical();
  client_.Request(*to, "GET", target, "", "", [this, key, retry_until](const StreamingHttpResponse& r) {
    StreamingHttpReply reply = ReplyOf(r);
    if (!r.ok) return RetryLater(key, retry_until, std::move(reply));
    // Only a blocking reload's answer stays right (it holds what was asked for); a bare delta
    // update must be as fresh as the playlist itself.
    if (r.status == 200 && key.second.Blocking()) kept_[key] = Kept{reply, clock_.Now() + keep_};
    reply.headers.emplace_back("X-Cache", "MISS");
    waiting_.Release(key, reply);
  });
}

void BlockingReloadForwarder::RetryLater(const Key& key, SimTime retry_until, StreamingHttpReply otherwise) {
  if (clock_.Now() + kRetryEvery > retry_until) return waiting_.Release(key, std::move(otherwise));
  auto timer = std::make_shared<TimerId>(0);
  *timer = clock_.ScheduleAfter(kRetryEvery, [this, key, retry_until, timer] {
    retries_.erase(*timer);
    Fetch(key, retry_until);
  });
  retries_.insert(*timer);
}

StreamingHttpReply BlockingReloadForwarder::ReplyOf(const StreamingHttpResponse& r) {
  if (!r.ok) {
    ++stats_.upstream_failures;
    return StreamingHttpReply::Text(502, "upstream: " + r.error);
  }
  StreamingHttpReply reply;
  reply.status = r.status;
  const auto type = r.headers.find("content-type");
  reply.content_type = type != r.headers.end() ? type->second : "application/vnd.apple.mpegurl";
  // A blocking reload's answer is for this request: players must not reuse it.
  reply.cache_control = "no-cache";
  reply.headers.emplace_back(kServedByHeader, node_);
  reply.body = r.body;
  return reply;
}

}  // namespace cdnlab
