#include "models/streaming/announcement_decode_memo.h"

namespace cdnlab {

std::optional<AnnouncementMessage> AnnouncementDecodeMemo::Decode(const std::string& text) {
  if (auto it = decoded_.find(text); it != decoded_.end()) return it->second;
  if (decoded_.size() >= capacity_) decoded_.clear();
  std::optional<AnnouncementMessage> message = DecodeAnnouncementMessage(text);
  decoded_.emplace(text, message);
  return message;
}

}  // namespace cdnlab
