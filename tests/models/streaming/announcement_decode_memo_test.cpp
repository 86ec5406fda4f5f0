// AnnouncementDecodeMemo: a remembered decode equals a fresh DecodeAnnouncementMessage (valid
// and malformed texts alike), distinct texts stay distinct, and the memo is bounded.
#include <gtest/gtest.h>

#include <string>

#include "models/streaming/announcement_decode_memo.h"
#include "models/streaming/stream_announcement.h"

namespace cdnlab {
namespace {

std::string AnnounceText(std::uint64_t serial, std::uint64_t last_sequence) {
  StreamAnnouncement a;
  a.ingest = "ingest-1";
  a.content_endpoint = Endpoint{Ipv4Address{0x0A000101u}, 8080};
  a.serial = serial;
  a.ttl = FromSeconds(3);
  a.streams = {AnnouncedStream{"news", StreamState::kLive, last_sequence}};
  return EncodeAnnouncementMessage(AnnouncementMessage{a});
}

TEST(AnnouncementDecodeMemo, RemembersExactlyWhatDecodingGives) {
  AnnouncementDecodeMemo memo;
  const std::string text = AnnounceText(7, 42);
  for (int i = 0; i < 3; ++i) {
    const auto message = memo.Decode(text);
    ASSERT_TRUE(message.has_value());
    EXPECT_EQ(EncodeAnnouncementMessage(*message), EncodeAnnouncementMessage(*DecodeAnnouncementMessage(text)));
    const auto& a = std::get<StreamAnnouncement>(*message);
    EXPECT_EQ(a.serial, 7u);
    ASSERT_EQ(a.streams.size(), 1u);
    EXPECT_EQ(a.streams[0].last_sequence, 42u);
  }
  EXPECT_EQ(memo.Remembered(), 1u);
  // A different text (the next heartbeat) is decoded on its own.
  const auto next = memo.Decode(AnnounceText(8, 43));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(std::get<StreamAnnouncement>(*next).serial, 8u);
  EXPECT_EQ(std::get<StreamAnnouncement>(*next).streams[0].last_sequence, 43u);
}

TEST(AnnouncementDecodeMemo, MalformedStaysRejected) {
  AnnouncementDecodeMemo memo;
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(memo.Decode("{\"kind\":\"announce\"").has_value());
    EXPECT_FALSE(memo.Decode("{\"kind\":\"gossip\"}").has_value());
  }
}

TEST(AnnouncementDecodeMemo, Bounded) {
  AnnouncementDecodeMemo memo(4);
  for (std::uint64_t serial = 1; serial <= 10; ++serial) {
    const auto message = memo.Decode(AnnounceText(serial, serial));
    ASSERT_TRUE(message.has_value());
    EXPECT_EQ(std::get<StreamAnnouncement>(*message).serial, serial);
    EXPECT_LE(memo.Remembered(), 4u);
  }
}

}  // namespace
}  // namespace cdnlab
