#pragma once
// The ingest side of the announcement channel: sends the full set of streams this ingest
// holds to every relay, at once on any change and every `interval` as a heartbeat (entries
// live `ttl`, a few intervals, so a lost heartbeat costs nothing and a dead ingest ages out).
// A stream that ended stays in the set as "stopped" for `stopped_linger`: caches keep
// finding the ingest's ended playlist (EXT-X-ENDLIST) and its last segments, so viewers see
// the end instead of a stream that vanished.
#include <map>
#include <string>
#include <vector>

#include "models/ports/datagram_transport.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/timer_scheduler.h"
#include "models/streaming/stream_announcement.h"

namespace cdnlab {

struct AnnouncerConfig {
  Duration interval = FromSeconds(1);
  Duration ttl = FromSeconds(3);
  // How long an ended stream is still announced (as stopped); about one playlist window.
  Duration stopped_linger = FromSeconds(12);
};

class StreamAnnouncer {
 public:
  // `local`: the ingest's announce socket; `relays`: where to announce (the ingest's own
  // configuration: it names the relays, never the other ingests or the edges).
  StreamAnnouncer(std::string ingest, Endpoint local, Endpoint content_endpoint, std::vector<Endpoint> relays,
                  AnnouncerConfig config, DatagramTransport& transport, TimerScheduler& timers, MetricsSink& metrics);
  ~StreamAnnouncer();

  void Start();
  void Stop();  // silence: what a crashed ingest looks like
  void StreamLive(const StreamId& stream, std::uint64_t last_sequence);  // start or progress
  void StreamStopped(const StreamId& stream);

 private:
  void Announce();
  void ScheduleHeartbeat();
  void CancelLinger(const StreamId& stream);

  std::string ingest_;
  Endpoint local_;
  Endpoint content_endpoint_;
  std::vector<Endpoint> relays_;
  AnnouncerConfig config_;
  DatagramTransport& transport_;
  TimerScheduler& timers_;
  MetricsSink& metrics_;
  std::map<StreamId, AnnouncedStream> streams_;
  std::map<StreamId, TimerId> linger_;  // stopped streams: when they leave the set
  std::uint64_t serial_ = 0;
  bool running_ = false;
  TimerId heartbeat_ = 0;
};

}  // namespace cdnlab
