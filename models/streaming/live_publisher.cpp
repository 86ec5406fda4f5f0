#include "models/streaming/live_publisher.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "models/streaming/metric_names.h"

namespace cdnlab {

LivePublisher::LivePublisher(StreamId stream, PublisherConfig config, SegmentUploader& uploader,
                             TimerScheduler& timers, const Clock& clock, MetricsSink& metrics)
    : stream_(std::move(stream)),
      config_(config),
      uploader_(uploader),
      timers_(timers),
      clock_(clock),
      metrics_(metrics) {
  config_.segment_duration = std::max(config_.segment_duration, Duration{FromMillis(1)});  // never spin
  config_.reconnect_delay = std::max(config_.reconnect_delay, Duration::zero());
  config_.max_resends = std::max(0, config_.max_resends);
}

LivePublisher::~LivePublisher() { Stop(); }

void LivePublisher::Start() {
  if (running_) return;
  running_ = true;
  alive_ = std::make_shared<bool>(true);
  need_reconnect_ = true;  // a (re)started publisher opens a new session
  // Like an encoder, the first segment is complete one segment duration after the start.
  produce_timer_ = timers_.ScheduleAfter(config_.segment_duration, [this] { Produce(); });
}

void LivePublisher::Stop() {
  if (!running_) return;
  running_ = false;
  *alive_ = false;  // an upload still in flight reports to nobody
  timers_.Cancel(produce_timer_);
  timers_.Cancel(resend_timer_);
  produce_timer_ = 0;
  resend_timer_ = 0;
  queue_.clear();
  uploading_ = false;
}

void LivePublisher::Produce() {
  produce_timer_ = timers_.ScheduleAfter(config_.segment_duration, [this] { Produce(); });
  SegmentInfo segment;
  segment.sequence = next_sequence_++;
  segment.duration = config_.segment_duration;
  segment.bytes = static_cast<std::uint64_t>(
      std::llround(static_cast<double>(config_.bitrate_bps) * ToSeconds(config_.segment_duration) / 8.0));
  queue_.push_back(segment);
  SendNext();
}

void LivePublisher::SendNext() {
  if (uploading_ || resend_timer_ != 0 || queue_.empty()) return;
  Send(queue_.front(), need_reconnect_, 0);
}

void LivePublisher::Send(SegmentInfo segment, bool reconnect, int attempt) {
  uploading_ = true;  // before Upload: `done` may run inside it
  std::shared_ptr<bool> token = alive_;
  uploader_.Upload(stream_, segment, reconnect, [this, token, segment, attempt](bool ok, const std::string& ingest) {
    if (!*token) return;
    uploading_ = false;
    const bool at_head = !queue_.empty() && queue_.front().sequence == segment.sequence;
    if (ok) {
      ingest_ = ingest;
      need_reconnect_ = false;
      if (at_head) queue_.pop_front();
      SendNext();
      return;
    }
    // The ingest behind the session is gone (or unreachable): open a new session through the
    // virtual address for everything from now on, and resend this segment after a pause.
    if (!need_reconnect_) {
      need_reconnect_ = true;
      ++reconnects_;
      metrics_.Count(streaming_metrics::kPublisherReconnects, 1, {{"stream", stream_}});
    }
    int next_attempt = attempt + 1;
    if (attempt >= config_.max_resends) {
      if (at_head) queue_.pop_front();
      ++dropped_;
      metrics_.Count(streaming_metrics::kPublisherSegmentsDropped, 1, {{"stream", stream_}});
      next_attempt = 0;  // the next segment starts its own count
    }
    resend_timer_ = timers_.ScheduleAfter(config_.reconnect_delay, [this, next_attempt] {
      resend_timer_ = 0;
      if (!running_ || queue_.empty()) return;
      Send(queue_.front(), /*reconnect=*/true, next_attempt);
    });
  });
}

}  // namespace cdnlab
