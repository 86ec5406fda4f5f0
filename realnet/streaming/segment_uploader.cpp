#include "realnet/streaming/segment_uploader.h"

#include <algorithm>
#include <memory>
#include <utility>

namespace cdnlab {
namespace {

bool Accepted(const StreamingHttpResponse& r) { return r.ok && r.status >= 200 && r.status < 300; }

}  // namespace

std::string SyntheticSegmentBytes(std::uint64_t bytes) {
  std::string out(bytes, '\xff');
  for (std::uint64_t i = 0; i < bytes; i += 188) out[i] = '\x47';
  return out;
}

HttpSegmentUploader::HttpSegmentUploader(boost::asio::io_context& io, Endpoint vip, std::size_t window,
                                         Duration timeout)
    : vip_(vip),
      window_(std::max<std::size_t>(1, window)),
      client_(io, StreamingHttpClientOptions{std::chrono::duration_cast<std::chrono::milliseconds>(timeout)}) {}

std::string HttpSegmentUploader::Playlist(const StreamId& stream, bool ended) const {
  LivePlaylist playlist;
  playlist.stream = stream;
  auto it = produced_.find(stream);
  if (it != produced_.end()) playlist.segments.assign(it->second.begin(), it->second.end());
  for (const auto& s : playlist.segments) playlist.target_duration = std::max(playlist.target_duration, s.duration);
  playlist.ended = ended;
  return playlist.ToM3u8();
}

void HttpSegmentUploader::Upload(const StreamId& stream, const SegmentInfo& segment, bool, Done done) {
  auto& produced = produced_[stream];
  if (produced.empty() || produced.back().sequence < segment.sequence) {
    produced.push_back(segment);
    while (produced.size() > window_) produced.pop_front();
  }
  const ContentKey segment_key{stream, false, segment.sequence};
  client_.Request(vip_, "PUT", "/" + segment_key.ToString(), SyntheticSegmentBytes(segment.bytes), "video/mp2t",
                  [this, stream, done = std::move(done)](const StreamingHttpResponse& r) {
                    if (!Accepted(r)) return done(false, "");
                    const auto by = r.headers.find("x-served-by");
                    const std::string ingest = by != r.headers.end() ? by->second : vip_.ToString();
                    const ContentKey playlist_key{stream, true, 0};
                    client_.Request(vip_, "PUT", "/" + playlist_key.ToString(), Playlist(stream, false),
                                    "application/vnd.apple.mpegurl",
                                    [done, ingest](const StreamingHttpResponse& p) { done(Accepted(p), ingest); });
                  });
}

void HttpSegmentUploader::End(const StreamId& stream, std::function<void(bool ok)> done) {
  const ContentKey playlist_key{stream, true, 0};
  client_.Request(vip_, "PUT", "/" + playlist_key.ToString(), Playlist(stream, true), "application/vnd.apple.mpegurl",
                  [done = std::move(done)](const StreamingHttpResponse& r) { done(Accepted(r)); });
}

}  // namespace cdnlab
