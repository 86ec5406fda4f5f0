#pragma once
// Remembers the last decoded announcement datagrams. Decoding one is a strict JSON parse, and
// the same bytes reach many nodes: a mid relays each ingest announcement, unchanged, to every
// edge that subscribed, so a simulation with ten edges per mid parsed each announcement about
// eleven times (about a fifth of a 100-edge flash crowd's CPU time). Decoding is a pure
// function of the bytes, so a remembered result is exactly what decoding again would give.
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

#include "models/streaming/stream_announcement.h"

namespace cdnlab {

class AnnouncementDecodeMemo {
 public:
  // At most `capacity` texts are remembered; when full, the memo starts over (announcements
  // are refreshed every few seconds, so only recent ones repeat).
  explicit AnnouncementDecodeMemo(std::size_t capacity = 512) : capacity_(capacity) {}

  // DecodeAnnouncementMessage(text), parsed once per distinct text while remembered.
  std::optional<AnnouncementMessage> Decode(const std::string& text);
  std::size_t Remembered() const { return decoded_.size(); }

 private:
  std::size_t capacity_;
  std::unordered_map<std::string, std::optional<AnnouncementMessage>> decoded_;
};

}  // namespace cdnlab
