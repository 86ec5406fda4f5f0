#pragma once
// LL-HLS playlist requests with delivery directives over the simulated network
// (RpcClientPort: ns-3 TCP in packet fidelity, computed transfers in flow fidelity): the
// request (LowLatencyPlaylistRequest, the size of a GET with its query) goes to the serving
// node, whose model answers (BlockingReloadRelay at a cache, LowLatencyOrigin at an ingest),
// possibly much later (a blocking reload), and the playlist text's bytes plus a header come
// back. A failure (refused, reset, timeout) is an answer with status 0. The server side is
// StreamingContentService::ServeLowLatency.
#include <cstdint>

#include "models/streaming/low_latency_fetcher.h"
#include "sim/streaming/rpc_ports.h"

namespace cdnlab {

class Ns3LowLatencyFetcher final : public LowLatencyPlaylistFetcher {
 public:
  // "GET /news/playlist.m3u8?_HLS_msn=42&_HLS_part=3&_HLS_skip=YES HTTP/1.1" and headers.
  static constexpr std::uint64_t kRequestBytes = 240;

  Ns3LowLatencyFetcher(RpcClientPort& client, Duration timeout) : client_(client), timeout_(timeout) {}
  void Fetch(const std::string& from_node, const Endpoint& to, const LowLatencyPlaylistRequest& request,
             Done done) override;
  std::uint64_t Failures() const { return failures_; }

 private:
  RpcClientPort& client_;
  Duration timeout_;
  std::uint64_t failures_ = 0;
};

}  // namespace cdnlab
