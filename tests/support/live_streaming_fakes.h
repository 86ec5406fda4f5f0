#pragma once
// Test doubles for the live-streaming cache and player models: an origin whose streams grow
// one segment per segment duration (with an optional outage), and a ContentFetcher that
// delivers requests to origins, IngestServers or LiveCacheNodes after a per-destination
// one-way delay, so player -> edge -> mid -> origin chains run on the ManualRuntime.
// Header-only.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/streaming/content_fetcher.h"
#include "models/streaming/ingest_server.h"
#include "models/streaming/live_cache_node.h"
#include "models/streaming/live_stream.h"
#include "tests/support/manual_runtime.h"

namespace cdnlab::testing {

inline Endpoint EndpointOf(std::uint32_t last_octet, std::uint16_t port = 8080) {
  return Endpoint{Ipv4Address{(10u << 24) | last_octet}, port};
}

// Segment n of a stream is complete, and served, from start + (n + 1) * segment_duration;
// the playlist lists the newest `window` complete segments. Requests that reach the origin
// during an outage fail (found = false); the segments made meanwhile are there afterwards.
class FakeLiveOrigin {
 public:
  struct Stream {
    SimTime start{0};
    Duration segment_duration = FromSeconds(2);
    std::uint64_t segment_bytes = 500'000;
    std::optional<SimTime> end;  // the publisher ends the stream (EXT-X-ENDLIST) then
  };

  explicit FakeLiveOrigin(std::string id = "origin", std::size_t window = 6) : id_(std::move(id)), window_(window) {}

  void AddStream(const StreamId& stream, Stream s) { streams_[stream] = s; }
  void AddOutage(SimTime from, SimTime until) { outages_.emplace_back(from, until); }

  // Newest complete segment at `now`, if any.
  std::optional<std::uint64_t> LastSequence(const StreamId& stream, SimTime now) const {
    auto it = streams_.find(stream);
    if (it == streams_.end()) return std::nullopt;
    if (it->second.end) now = std::min(now, *it->second.end);
    if (now < it->second.start + it->second.segment_duration) return std::nullopt;
    return static_cast<std::uint64_t>((now - it->second.start) / it->second.segment_duration) - 1;
  }

  ContentResponse Serve(const ContentKey& key, SimTime now) {
    ++requests_;
    ++requests_per_key_[key];
    ContentResponse response;
    response.served_by = id_;
    for (const auto& [from, until] : outages_) {
      if (now >= from && now < until) {
        ++failed_;
        return response;
      }
    }
    auto it = streams_.find(key.stream);
    const std::optional<std::uint64_t> last = LastSequence(key.stream, now);
    if (it == streams_.end() || !last) return response;
    const Stream& s = it->second;
    if (key.playlist) {
      LivePlaylist playlist;
      playlist.stream = key.stream;
      playlist.target_duration = s.segment_duration;
      playlist.ended = s.end && now >= *s.end;
      const std::uint64_t first = *last + 1 > window_ ? *last + 1 - window_ : 0;
      for (std::uint64_t seq = first; seq <= *last; ++seq) playlist.segments.push_back({seq, s.segment_duration, s.segment_bytes});
      response.found = true;
      response.bytes = playlist.ToM3u8().size();
      response.playlist = std::move(playlist);
      return response;
    }
    if (key.sequence > *last) return response;
    response.found = true;
    response.bytes = s.segment_bytes;
    return response;
  }

  const std::string& Id() const { return id_; }
  std::uint64_t Requests() const { return requests_; }
  std::uint64_t Failed() const { return failed_; }
  std::uint64_t RequestsFor(const ContentKey& key) const {
    auto it = requests_per_key_.find(key);
    return it == requests_per_key_.end() ? 0 : it->second;
  }

 private:
  std::string id_;
  std::size_t window_;
  std::map<StreamId, Stream> streams_;
  std::vector<std::pair<SimTime, SimTime>> outages_;
  std::uint64_t requests_ = 0;
  std::uint64_t failed_ = 0;
  std::map<ContentKey, std::uint64_t> requests_per_key_;
};

// Request and response each take the one-way delay of the destination (default 25 ms); an
// endpoint nobody serves answers found = false after that delay, as a refused connection.
class FakeContentFetcher final : public ContentFetcher {
 public:
  struct Record {
    std::string from;
    Endpoint to;
    ContentKey key;
    SimTime at;
  };

  explicit FakeContentFetcher(ManualRuntime& runtime) : runtime_(runtime) {}

  void AddOrigin(const Endpoint& at, FakeLiveOrigin& origin) { origins_[at] = &origin; }
  void AddCache(const Endpoint& at, LiveCacheNode& node) { caches_[at] = &node; }
  void AddIngest(const Endpoint& at, const IngestServer& ingest) { ingests_[at] = &ingest; }
  void SetOneWayDelay(const Endpoint& to, Duration d) { delay_[to] = d; }
  void SetDefaultOneWayDelay(Duration d) { default_delay_ = d; }

  void Fetch(const std::string& from_node, const Endpoint& to, const ContentKey& key, Done done) override {
    log_.push_back({from_node, to, key, runtime_.Now()});
    const Duration d = DelayTo(to);
    runtime_.ScheduleAfter(d, [this, to, key, d, done = std::move(done)] {
      auto deliver = [this, d, done](const ContentResponse& response) {
        runtime_.ScheduleAfter(d, [done, response] { done(response); });
      };
      if (auto o = origins_.find(to); o != origins_.end()) {
        deliver(o->second->Serve(key, runtime_.Now()));
      } else if (auto i = ingests_.find(to); i != ingests_.end()) {
        deliver(i->second->Serve(key));
      } else if (auto c = caches_.find(to); c != caches_.end()) {
        c->second->Serve(key, deliver);
      } else {
        deliver(ContentResponse{});
      }
    });
  }

  const std::vector<Record>& Log() const { return log_; }
  std::vector<Record> LogFrom(const std::string& node) const {
    std::vector<Record> out;
    for (const Record& r : log_) {
      if (r.from == node) out.push_back(r);
    }
    return out;
  }

 private:
  Duration DelayTo(const Endpoint& to) const {
    auto it = delay_.find(to);
    return it == delay_.end() ? default_delay_ : it->second;
  }

  ManualRuntime& runtime_;
  std::map<Endpoint, FakeLiveOrigin*> origins_;
  std::map<Endpoint, const IngestServer*> ingests_;
  std::map<Endpoint, LiveCacheNode*> caches_;
  std::map<Endpoint, Duration> delay_;
  Duration default_delay_ = FromMillis(25);
  std::vector<Record> log_;
};

}  // namespace cdnlab::testing
