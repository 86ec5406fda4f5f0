#pragma once
// The LivePublisher's SegmentUploader port over real HTTP, publishing as ffmpeg's HLS muxer
// does with -method PUT: PUT /<stream>/seg-<n>.ts with the segment's bytes, then PUT
// /<stream>/playlist.m3u8 listing the newest `window` segments produced (whether or not their
// upload succeeded: the ingest takes the listed ones whose bytes it holds). The bytes are
// synthetic (MPEG-TS sync bytes every 188 bytes, filler between), `segment.bytes` of them. An
// upload is ok when both PUTs answer 2xx; `ingest` is the X-Served-By header the balancer
// passes on, else the address uploaded to. Each PUT is a request of its own (a new
// connection), so `reconnect` needs nothing more: the balancer routes the stream again.
#include <deque>
#include <functional>
#include <map>
#include <string>

#include <boost/asio/io_context.hpp>

#include "models/net/endpoint.h"
#include "models/streaming/live_publisher.h"
#include "realnet/net/http_client.h"

namespace cdnlab {

class HttpSegmentUploader final : public SegmentUploader {
 public:
  HttpSegmentUploader(boost::asio::io_context& io, Endpoint vip, std::size_t window, Duration timeout);
  void Upload(const StreamId& stream, const SegmentInfo& segment, bool reconnect, Done done) override;
  // The final playlist (EXT-X-ENDLIST), as ffmpeg writes when it stops; `done(ok)`.
  void End(const StreamId& stream, std::function<void(bool ok)> done);

 private:
  std::string Playlist(const StreamId& stream, bool ended) const;

  Endpoint vip_;
  std::size_t window_;
  StreamingHttpClient client_;
  std::map<StreamId, std::deque<SegmentInfo>> produced_;  // the newest `window_` per stream
};

// `bytes` bytes that read as MPEG-TS packets to a casual look (0x47 every 188 bytes).
std::string SyntheticSegmentBytes(std::uint64_t bytes);

}  // namespace cdnlab
