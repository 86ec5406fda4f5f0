#pragma once
// A port: one node asks another for an LL-HLS playlist with delivery directives
// (GET /<stream>/playlist.m3u8?_HLS_msn=M&_HLS_part=P[&_HLS_skip=YES], RFC 8216bis 6.2.5). The
// answer may be held at the origin until the playlist holds what was asked for. Parts and
// segments need no port of their own: they are ContentKeys (ContentFetcher).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "models/net/endpoint.h"
#include "models/streaming/delivery_directives.h"
#include "models/streaming/low_latency_playlist.h"

namespace cdnlab {

// What a playlist request with directives asks for (the simulation carries it as the request).
struct LowLatencyPlaylistRequest {
  StreamId stream;
  DeliveryDirectives directives;
};

struct LowLatencyAnswer {
  // The HTTP status: 200; 400 too far ahead; 404 no such stream; 503 not reached within the
  // blocking bound (3 target durations). 0: no answer at all (refused, reset, timed out).
  int status = 0;
  std::shared_ptr<const LowLatencyPlaylist> playlist;  // status 200
  std::uint64_t bytes = 0;  // the playlist text's size (a delta update's when _HLS_skip asked)
  std::string served_by;
  bool Ok() const { return status == 200 && playlist != nullptr; }
};

class LowLatencyPlaylistFetcher {
 public:
  using Done = std::function<void(const LowLatencyAnswer&)>;
  virtual ~LowLatencyPlaylistFetcher() = default;
  // `done` is called exactly once, never from inside Fetch when the runtime is a network.
  virtual void Fetch(const std::string& from_node, const Endpoint& to, const LowLatencyPlaylistRequest& request,
                     Done done) = 0;
};

}  // namespace cdnlab
