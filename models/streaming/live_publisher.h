#pragma once
// A live publisher: produces one segment every `segment_duration` and uploads it to the
// ingest pool's virtual address through the SegmentUploader port. When an upload fails
// (the ingest behind its session died), it reconnects through the same virtual address and
// resends, so recovery needs nothing but the load balancer.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "models/ports/metrics_sink.h"
#include "models/ports/random_source.h"
#include "models/ports/timer_scheduler.h"
#include "models/ports/clock.h"
#include "models/streaming/live_stream.h"

namespace cdnlab {

// A port: upload one segment of a stream to the virtual address. `done(ok, ingest)` is
// called exactly once; `reconnect` asks for a new session (the balancer routes it again).
class SegmentUploader {
 public:
  using Done = std::function<void(bool ok, const std::string& ingest)>;
  virtual ~SegmentUploader() = default;
  virtual void Upload(const StreamId& stream, const SegmentInfo& segment, bool reconnect, Done done) = 0;
};

struct PublisherConfig {
  Duration segment_duration = FromSeconds(2);
  std::uint64_t bitrate_bps = 3'000'000;
  Duration reconnect_delay = FromMillis(500);
  int max_resends = 20;
};

class LivePublisher {
 public:
  LivePublisher(StreamId stream, PublisherConfig config, SegmentUploader& uploader, TimerScheduler& timers,
                const Clock& clock, MetricsSink& metrics);
  ~LivePublisher();
  void Start();
  void Stop();  // ends the stream
  const std::string& CurrentIngest() const { return ingest_; }
  std::uint64_t SegmentsPublished() const { return next_sequence_; }
  std::uint64_t Reconnects() const { return reconnects_; }
  // Segments given up after max_resends failed resends (also counted as
  // streaming_metrics::kPublisherSegmentsDropped).
  std::uint64_t SegmentsDropped() const { return dropped_; }

 private:
  void Produce();
  void Send(SegmentInfo segment, bool reconnect, int attempt);
  void SendNext();  // uploads the head of queue_ unless an upload or a resend is pending

  StreamId stream_;
  PublisherConfig config_;
  SegmentUploader& uploader_;
  TimerScheduler& timers_;
  const Clock& clock_;
  MetricsSink& metrics_;
  std::string ingest_;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t reconnects_ = 0;
  bool running_ = false;
  bool need_reconnect_ = false;
  TimerId produce_timer_ = 0;
  // Segments go up one at a time, in order (an ingest ignores a sequence older than its newest,
  // so a resent segment must not be overtaken by the next one).
  std::deque<SegmentInfo> queue_;
  bool uploading_ = false;
  TimerId resend_timer_ = 0;
  std::uint64_t dropped_ = 0;
  // Upload callbacks hold this token: after Stop() or destruction they find it false and
  // touch nothing (SegmentUploader calls `done` whenever the upload ends).
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(false);
};

}  // namespace cdnlab
