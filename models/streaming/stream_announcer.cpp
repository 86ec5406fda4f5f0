#include "models/streaming/stream_announcer.h"

#include <algorithm>
#include <utility>

#include "models/streaming/metric_names.h"

namespace cdnlab {

StreamAnnouncer::StreamAnnouncer(std::string ingest, Endpoint local, Endpoint content_endpoint,
                                 std::vector<Endpoint> relays, AnnouncerConfig config, DatagramTransport& transport,
                                 TimerScheduler& timers, MetricsSink& metrics)
    : ingest_(std::move(ingest)),
      local_(local),
      content_endpoint_(content_endpoint),
      relays_(std::move(relays)),
      config_(config),
      transport_(transport),
      timers_(timers),
      metrics_(metrics) {
  config_.interval = std::max(config_.interval, Duration{FromMillis(1)});  // never spin
}

StreamAnnouncer::~StreamAnnouncer() { Stop(); }

void StreamAnnouncer::Start() {
  if (running_) return;
  running_ = true;
  // The socket only sends; whatever arrives on it is not for the announcer.
  transport_.Bind(local_, [](const Endpoint&, const Bytes&) {});
  Announce();  // what it holds now (possibly nothing), then a heartbeat every interval
  ScheduleHeartbeat();
}

void StreamAnnouncer::Stop() {
  if (!running_) return;
  running_ = false;
  timers_.Cancel(heartbeat_);
  heartbeat_ = 0;
  transport_.Unbind(local_);
  // A silenced ingest's ended streams are not announced again after a restart.
  while (!linger_.empty()) {
    const StreamId stream = linger_.begin()->first;
    CancelLinger(stream);
    streams_.erase(stream);
  }
}

void StreamAnnouncer::StreamLive(const StreamId& stream, std::uint64_t last_sequence) {
  auto it = streams_.find(stream);
  if (it != streams_.end() && it->second.state == StreamState::kLive) {
    // Progress of a stream already announced: the next heartbeat carries it.
    it->second.last_sequence = last_sequence;
    return;
  }
  CancelLinger(stream);  // an ended stream started again
  streams_[stream] = AnnouncedStream{stream, StreamState::kLive, last_sequence};
  if (running_) Announce();
}

void StreamAnnouncer::StreamStopped(const StreamId& stream) {
  auto it = streams_.find(stream);
  if (it == streams_.end() || it->second.state == StreamState::kStopped) return;
  if (!running_) {
    streams_.erase(it);
    return;
  }
  it->second.state = StreamState::kStopped;
  // Announced as stopped at once and in every heartbeat for the linger time, then simply
  // absent from the full set (the set never grows with old streams).
  linger_[stream] = timers_.ScheduleAfter(config_.stopped_linger, [this, stream] {
    linger_.erase(stream);
    streams_.erase(stream);
  });
  Announce();
}

void StreamAnnouncer::CancelLinger(const StreamId& stream) {
  auto it = linger_.find(stream);
  if (it == linger_.end()) return;
  timers_.Cancel(it->second);
  linger_.erase(it);
}

void StreamAnnouncer::Announce() {
  StreamAnnouncement a;
  a.ingest = ingest_;
  a.content_endpoint = content_endpoint_;
  a.serial = ++serial_;
  a.ttl = config_.ttl;
  for (const auto& [id, stream] : streams_) a.streams.push_back(stream);
  const std::string text = EncodeAnnouncementMessage(a);
  for (const Endpoint& relay : relays_) {
    transport_.Send(local_, relay, Bytes(text.begin(), text.end()));
    metrics_.Count(streaming_metrics::kAnnouncementsSent, 1, {{"ingest", ingest_}});
  }
}

void StreamAnnouncer::ScheduleHeartbeat() {
  heartbeat_ = timers_.ScheduleAfter(config_.interval, [this] {
    heartbeat_ = 0;
    if (!running_) return;
    Announce();
    ScheduleHeartbeat();
  });
}

}  // namespace cdnlab
