#pragma once
// What a cache knows about where streams live: stream -> ingest (and its content endpoint),
// learned only from announcements, each entry expiring unless refreshed. When two ingests
// claim a stream (a publisher reconnected elsewhere), the newest announcement wins: the
// ingest whose current claim on the stream was first heard most recently (then the higher
// serial, then the larger ingest id). Ranking by the start of a claim rather than by its last
// refresh keeps the answer stable while both ingests keep heartbeating the stream.
// A stream announced as stopped is still located (state kStopped) while its ingest keeps
// announcing it, so caches can fetch its ended playlist; any live claim wins over it. A
// stream that is not located at all is unknown, or its ingest aged out (failed).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/ports/clock.h"
#include "models/ports/datagram_transport.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/timer_scheduler.h"
#include "models/streaming/stream_announcement.h"

namespace cdnlab {

struct StreamLocation {
  std::string ingest;
  Endpoint content_endpoint;
  StreamState state = StreamState::kLive;  // kStopped: the stream ended there (ENDLIST)
  std::uint64_t last_sequence = 0;
  SimTime learned_at{0};
  SimTime expires_at{0};
};

class StreamDirectory {
 public:
  // Applies an announcement received at `now`; returns true if any stream's location changed
  // (a stream appeared, stopped, disappeared, or moved to another ingest or content endpoint;
  // a mere last_sequence update is not a change). A stale announcement (serial not above the one
  // known for an unexpired ingest) is ignored; once an ingest has expired any serial is
  // accepted, so a restarted ingest (serial from 1 again) is heard within one ttl.
  bool Apply(const StreamAnnouncement& announcement, SimTime now);
  // Whether Apply would take this announcement (false: stale serial).
  bool Accepts(const StreamAnnouncement& announcement, SimTime now) const;
  std::optional<StreamLocation> Locate(const StreamId& stream, SimTime now) const;
  std::vector<StreamId> LiveStreams(SimTime now) const;  // sorted; stopped ones excluded
  std::size_t Size(SimTime now) const { return LiveStreams(now).size(); }

 private:
  struct IngestState {
    std::uint64_t serial = 0;
    Endpoint content_endpoint;
    SimTime expires_at{0};
    std::map<StreamId, AnnouncedStream> streams;
    SimTime learned_at{0};
    std::map<StreamId, SimTime> claimed_since;  // live streams: arrival of the claim's first announcement
  };
  std::map<std::string, IngestState> ingests_;
};

// A cache node's end of the channel: listens for announcements into its StreamDirectory,
// passes them on to its own subscribers (a mid-tier relays for its edges), and keeps its
// subscription at its parent relay alive. A node with no parent is a relay ingests announce to.
class StreamDirectoryNode {
 public:
  struct Config {
    std::string node;
    Endpoint local;                    // announce socket
    std::optional<Endpoint> parent;    // relay to subscribe to (edges: their mid-tier)
    Duration subscribe_interval = FromSeconds(1);
    Duration subscribe_ttl = FromSeconds(3);
  };
  using Changed = std::function<void(const StreamAnnouncement&)>;

  StreamDirectoryNode(Config config, DatagramTransport& transport, TimerScheduler& timers, const Clock& clock,
                      MetricsSink& metrics);
  ~StreamDirectoryNode();
  void Start();
  void Stop();
  const StreamDirectory& Directory() const { return directory_; }
  void OnChange(Changed callback) { on_change_ = std::move(callback); }

 private:
  void OnDatagram(const Endpoint& from, const Bytes& payload);
  void Subscribe();

  Config config_;
  DatagramTransport& transport_;
  TimerScheduler& timers_;
  const Clock& clock_;
  MetricsSink& metrics_;
  StreamDirectory directory_;
  std::map<std::string, std::pair<Endpoint, SimTime>> subscribers_;  // node -> (endpoint, expiry)
  Changed on_change_;
  bool running_ = false;
  TimerId subscribe_timer_ = 0;
};

}  // namespace cdnlab
