#pragma once
// Playlists and segments over the simulated network (RpcClientPort/RpcServerPort: ns-3 TCP in
// packet fidelity, computed transfers in flow fidelity): a GET of a fixed
// request size goes to the serving node, whose model answers (LiveCacheNode::Serve or
// IngestServer::Serve), and the response's `bytes` plus a header come back; `done` runs when
// the last byte has arrived. Failure (refused, reset, timeout) is a not-found response.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "models/streaming/content_fetcher.h"
#include "models/streaming/low_latency_fetcher.h"
#include "sim/streaming/rpc_ports.h"
#include "sim/streaming/tcp_rpc.h"

namespace cdnlab {

// The client side, on one host (`from_node` is only a label: the host is the client's).
class Ns3ContentFetcher final : public ContentFetcher {
 public:
  static constexpr std::uint64_t kRequestBytes = 200;         // "GET /news/seg-42.ts HTTP/1.1" and headers
  static constexpr std::uint64_t kResponseHeaderBytes = 300;  // status line and headers

  Ns3ContentFetcher(RpcClientPort& client, Duration timeout) : client_(client), timeout_(timeout) {}
  void Fetch(const std::string& from_node, const Endpoint& to, const ContentKey& key, Done done) override;
  std::uint64_t Failures() const { return failures_; }

 private:
  RpcClientPort& client_;
  Duration timeout_;
  std::uint64_t failures_ = 0;
};

// The server side: serves ContentKeys on (node, port) through `serve`.
class StreamingContentService {
 public:
  using Serve = std::function<void(const ContentKey& key, ContentFetcher::Done done)>;

  StreamingContentService(RpcEndpoints& endpoints, const std::string& host, std::uint16_t port, Serve serve);
  StreamingContentService(StreamingRpcFabric& fabric, ns3::Ptr<ns3::Node> node, std::uint16_t port, Serve serve);
  // LL-HLS: also serve playlist requests with delivery directives (sim/streaming/low_latency_fetcher.h).
  using ServeLowLatencyPlaylist =
      std::function<void(const LowLatencyPlaylistRequest& request, LowLatencyPlaylistFetcher::Done done)>;
  void ServeLowLatency(ServeLowLatencyPlaylist serve) { serve_low_latency_ = std::move(serve); }
  void Start() { server_->Start(); }
  void Stop() { server_->Stop(); }
  std::uint64_t Requests() const { return requests_; }
  std::uint64_t SegmentRequests() const { return segment_requests_; }

 private:
  void OnRequest(const RpcMessage& request, RpcServerPort::Respond respond);

  Serve serve_;
  ServeLowLatencyPlaylist serve_low_latency_;
  std::unique_ptr<RpcServerPort> server_;
  std::uint64_t requests_ = 0;
  std::uint64_t segment_requests_ = 0;
};

}  // namespace cdnlab
