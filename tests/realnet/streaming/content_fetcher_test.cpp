// HttpContentFetcher (the ContentFetcher port over HTTP) against a tiny scripted server on
// loopback: found segments and playlists, and every way an upstream can fail (404, 5xx,
// refused, silent, truncated, junk, a playlist that is not one) is "not found", reported
// exactly once.
#include "realnet/streaming/content_fetcher.h"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "tests/realnet/streaming/test_support.h"

namespace cdnlab {
namespace {

using testing::Loopback;
using testing::ScriptedHttpServer;

const std::string kPlaylist =
    "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:7\n"
    "#EXTINF:1.000000,\nseg-7.ts\n#EXTINF:1.000000,\nseg-8.ts\n";
const std::string kSegment = std::string("\x47\x00\x11\x10 binary \0 bytes", 20);

std::string Response(const std::string& status, const std::string& body, const std::string& extra = "") {
  return "HTTP/1.1 " + status + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra +
         "Connection: close\r\n\r\n" + body;
}

// Answers by request target.
std::string Script(const std::string& head) {
  auto has = [&](const std::string& target) { return head.find("GET " + target + " HTTP/1.1") == 0; };
  if (has("/news/seg-3.ts")) return Response("200 OK", kSegment, "Content-Type: video/mp2t\r\nX-Served-By: mid-1\r\n");
  if (has("/news/playlist.m3u8")) return Response("200 OK", kPlaylist);
  if (has("/junk/playlist.m3u8")) return Response("200 OK", "<html>not a playlist</html>");
  if (has("/news/seg-4.ts")) return Response("404 Not Found", "");
  if (has("/news/seg-5.ts")) return Response("503 Service Unavailable", "busy");
  if (has("/news/seg-6.ts")) return "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this";  // truncated
  if (has("/news/seg-7.ts")) return "HELLO THERE\r\n\r\n";
  if (has("/news/seg-8.ts")) {
    return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
  }
  return "";  // /news/seg-9.ts and anything else: silence
}

class StreamingContentFetcherTest : public ::testing::Test {
 protected:
  // Fetches one key and runs the loop until the fetcher has answered.
  std::vector<ContentResponse> Fetch(const Endpoint& to, const ContentKey& key) {
    std::vector<ContentResponse> answers;
    fetcher_.Fetch("edge-1", to, key, [&](const ContentResponse& r) { answers.push_back(r); });
    io_.restart();
    io_.run();
    return answers;
  }
  static ContentKey Segment(const std::string& stream, std::uint64_t n) { return ContentKey{stream, false, n}; }
  static ContentKey Playlist(const std::string& stream) { return ContentKey{stream, true, 0}; }

  ScriptedHttpServer server_{Script};
  Endpoint at_ = Loopback(server_.Port());
  boost::asio::io_context io_;
  HttpContentFetcher fetcher_{io_, StreamingHttpClientOptions{std::chrono::milliseconds(300), 1 << 20}};
};

TEST_F(StreamingContentFetcherTest, FetchesASegmentWithItsBytesAndWhoServedIt) {
  const auto answers = Fetch(at_, Segment("news", 3));
  ASSERT_EQ(answers.size(), 1u);
  const ContentResponse& r = answers[0];
  EXPECT_TRUE(r.found);
  ASSERT_TRUE(r.body);
  EXPECT_EQ(*r.body, kSegment);
  EXPECT_EQ(r.bytes, kSegment.size());
  EXPECT_EQ(r.served_by, "mid-1");
  EXPECT_FALSE(r.playlist);
  const auto requests = server_.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].rfind("GET /news/seg-3.ts HTTP/1.1\r\n", 0), 0u) << requests[0];
  EXPECT_NE(requests[0].find("Host: 127.0.0.1:"), std::string::npos);
}

TEST_F(StreamingContentFetcherTest, FetchesAndReadsAPlaylist) {
  const auto answers = Fetch(at_, Playlist("news"));
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_TRUE(answers[0].found);
  ASSERT_TRUE(answers[0].playlist);
  EXPECT_EQ(answers[0].playlist->stream, "news");
  ASSERT_EQ(answers[0].playlist->segments.size(), 2u);
  EXPECT_EQ(answers[0].playlist->FirstSequence(), 7u);
  EXPECT_EQ(*answers[0].body, kPlaylist);
  EXPECT_EQ(answers[0].served_by, at_.ToString());  // no X-Served-By: the address
}

TEST_F(StreamingContentFetcherTest, ReadsAChunkedBody) {
  const auto answers = Fetch(at_, Segment("news", 8));
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_TRUE(answers[0].found);
  EXPECT_EQ(*answers[0].body, "hello world");
}

TEST_F(StreamingContentFetcherTest, EveryFailureIsNotFoundExactlyOnce) {
  std::uint16_t closed_port = 0;
  {
    ScriptedHttpServer gone([](const std::string&) { return std::string(); });
    closed_port = gone.Port();
  }
  struct Case {
    const char* what;
    Endpoint to;
    ContentKey key;
  };
  const Case cases[] = {
      {"a playlist that is not one", at_, Playlist("junk")},
      {"404", at_, Segment("news", 4)},
      {"503", at_, Segment("news", 5)},
      {"truncated body", at_, Segment("news", 6)},
      {"not HTTP", at_, Segment("news", 7)},
      {"silence until the timeout", at_, Segment("news", 9)},
      {"connection refused", Loopback(closed_port), Segment("news", 3)},
  };
  for (const Case& c : cases) {
    const auto answers = Fetch(c.to, c.key);
    ASSERT_EQ(answers.size(), 1u) << c.what;
    EXPECT_FALSE(answers[0].found) << c.what;
    EXPECT_FALSE(answers[0].playlist) << c.what;
  }
  EXPECT_EQ(fetcher_.Failures(), 5u);  // all but the unreadable playlist and the 404
}

TEST_F(StreamingContentFetcherTest, ManyConcurrentFetchesEachAnswerOnce) {
  std::vector<int> answered(20, 0);
  for (int i = 0; i < 20; ++i) {
    fetcher_.Fetch("edge-1", at_, i % 2 ? Segment("news", 3) : Playlist("news"),
                   [&answered, i](const ContentResponse& r) { answered[i] += r.found ? 1 : 100; });
  }
  io_.run();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(answered[i], 1) << i;
}

TEST_F(StreamingContentFetcherTest, DestroyedWithAFetchInFlightCallsNothing) {
  int calls = 0;
  {
    boost::asio::io_context io;
    {
      HttpContentFetcher fetcher(io, StreamingHttpClientOptions{std::chrono::milliseconds(5000), 1 << 20});
      fetcher.Fetch("edge-1", at_, Segment("news", 9), [&](const ContentResponse&) { ++calls; });
      io.run_for(std::chrono::milliseconds(100));  // connected, waiting for an answer
    }
    io.restart();
    io.run();
  }
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace cdnlab
