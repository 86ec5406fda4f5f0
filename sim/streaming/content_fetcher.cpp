#include "sim/streaming/content_fetcher.h"

namespace cdnlab {

void Ns3ContentFetcher::Fetch(const std::string&, const Endpoint& to, const ContentKey& key, Done done) {
  client_.Call(to, RpcMessage{kRequestBytes, key}, timeout_,
               [this, done = std::move(done)](std::optional<RpcMessage> response) {
                 if (!response) {
                   ++failures_;
                   done(ContentResponse{});
                   return;
                 }
                 done(std::any_cast<const ContentResponse&>(response->payload));
               });
}

StreamingContentService::StreamingContentService(RpcEndpoints& endpoints, const std::string& host,
                                                 std::uint16_t port, Serve serve)
    : serve_(std::move(serve)),
      server_(endpoints.MakeServer(host, port, [this](const RpcMessage& request, RpcServerPort::Respond respond) {
        OnRequest(request, std::move(respond));
      })) {}

StreamingContentService::StreamingContentService(StreamingRpcFabric& fabric, ns3::Ptr<ns3::Node> node,
                                                 std::uint16_t port, Serve serve)
    : serve_(std::move(serve)),
      server_(std::make_unique<StreamingRpcServer>(
          fabric, node, port, [this](const RpcMessage& request, RpcServerPort::Respond respond) {
            OnRequest(request, std::move(respond));
          })) {}

void StreamingContentService::OnRequest(const RpcMessage& request, RpcServerPort::Respond respond) {
  if (const auto* ll = std::any_cast<LowLatencyPlaylistRequest>(&request.payload)) {
    ++requests_;
    if (!serve_low_latency_) {
      LowLatencyAnswer not_here;
      not_here.status = 404;
      return respond(RpcMessage{Ns3ContentFetcher::kResponseHeaderBytes, not_here});
    }
    return serve_low_latency_(*ll, [respond = std::move(respond)](const LowLatencyAnswer& answer) {
      respond(RpcMessage{Ns3ContentFetcher::kResponseHeaderBytes + answer.bytes, answer});
    });
  }
  const auto& key = std::any_cast<const ContentKey&>(request.payload);
  ++requests_;
  if (!key.playlist) ++segment_requests_;
  serve_(key, [respond = std::move(respond)](const ContentResponse& response) {
    respond(RpcMessage{Ns3ContentFetcher::kResponseHeaderBytes + (response.found ? response.bytes : 0), response});
  });
}

}  // namespace cdnlab
