#include "realnet/streaming/segment_store.h"

#include <cstdint>

namespace cdnlab {

void StreamingSegmentStore::Put(const StreamId& stream, std::uint64_t sequence,
                                std::shared_ptr<const std::string> body) {
  auto& segments = streams_[stream];
  auto& slot = segments[sequence];
  if (slot) bytes_ -= slot->size();
  bytes_ += body->size();
  slot = std::move(body);
  while (segments.size() > max_per_stream_) {
    bytes_ -= segments.begin()->second->size();
    segments.erase(segments.begin());
  }
}

std::shared_ptr<const std::string> StreamingSegmentStore::Get(const StreamId& stream, std::uint64_t sequence) const {
  const auto s = streams_.find(stream);
  if (s == streams_.end()) return nullptr;
  const auto it = s->second.find(sequence);
  return it == s->second.end() ? nullptr : it->second;
}

void StreamingSegmentStore::TrimBelow(const StreamId& stream, std::uint64_t first_kept) {
  const auto s = streams_.find(stream);
  if (s == streams_.end()) return;
  auto& segments = s->second;
  while (!segments.empty() && segments.begin()->first < first_kept) {
    bytes_ -= segments.begin()->second->size();
    segments.erase(segments.begin());
  }
}

void StreamingSegmentStore::Erase(const StreamId& stream) {
  TrimBelow(stream, UINT64_MAX);
  streams_.erase(stream);
}

std::size_t StreamingSegmentStore::Segments(const StreamId& stream) const {
  const auto s = streams_.find(stream);
  return s == streams_.end() ? 0 : s->second.size();
}

}  // namespace cdnlab
