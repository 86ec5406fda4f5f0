#include "models/streaming/live_player.h"

#include <algorithm>
#include <deque>
#include <utility>

#include "models/streaming/metric_names.h"

namespace cdnlab {
namespace {

// A failed playlist or segment fetch is retried this long after its answer.
constexpr Duration kRetryDelay = std::chrono::milliseconds(500);
// Segments held (the one playing included) before the player stops fetching ahead.
constexpr int kBufferCapSegments = 4;
// Playlist re-read period when the playlist names no target duration.
constexpr Duration kDefaultRefresh = std::chrono::seconds(1);

}  // namespace

// The player's moving parts. Playback: `playing` is the segment being shown since
// `playing_since`; a timer (Tick) fires at its end and takes the next one from `buffer`.
// Fetching: one segment at a time, in sequence order, only segments the newest playlist
// lists, while fewer than the buffer cap are held. Every fetch callback holds `alive`, which
// turns false when the player leaves, gives up, ends or is destroyed; every timer is
// cancelled then.
struct LivePlayer::State {
  std::shared_ptr<bool> alive = std::make_shared<bool>(false);
  bool joined = false;
  SimTime join_time{0};

  std::optional<LivePlaylist> playlist;        // newest one read
  std::optional<std::uint64_t> next_sequence;  // next segment to fetch
  bool playlist_in_flight = false;
  SimTime playlist_requested_at{0};
  bool segment_in_flight = false;

  std::deque<SegmentInfo> buffer;  // fetched, not yet playing
  std::optional<SegmentInfo> playing;
  SimTime playing_since{0};
  bool started = false;

  TimerId refresh_timer = 0;
  TimerId retry_timer = 0;
  TimerId tick_timer = 0;
  TimerId give_up_timer = 0;

  bool Active() const { return *alive; }
  // Stops everything: no callback touches the player afterwards.
  void Stop(TimerScheduler& timers) {
    *alive = false;
    for (TimerId* timer : {&refresh_timer, &retry_timer, &tick_timer, &give_up_timer}) {
      if (*timer != 0) timers.Cancel(*timer);
      *timer = 0;
    }
  }
  std::size_t Held() const { return buffer.size() + (playing ? 1 : 0); }
  // The playlist has ended (ENDLIST) and lists nothing after what was fetched: no segment
  // will ever come again.
  bool Over() const {
    if (!playlist || !playlist->ended || segment_in_flight) return false;
    const auto last = playlist->LastSequence();
    return !next_sequence || !last || *last < *next_sequence;
  }
};

LivePlayer::LivePlayer(std::string viewer, std::string edge_node, Endpoint edge, StreamId stream, PlayerConfig config,
                       ContentFetcher& fetcher, TimerScheduler& timers, const Clock& clock, MetricsSink& metrics)
    : viewer_(std::move(viewer)),
      edge_node_(std::move(edge_node)),
      edge_(edge),
      stream_(std::move(stream)),
      config_(config),
      fetcher_(fetcher),
      timers_(timers),
      clock_(clock),
      metrics_(metrics),
      state_(std::make_unique<State>()) {
  config_.startup_segments = std::max(1, config_.startup_segments);
  config_.start_offset = std::max(0, config_.start_offset);
}

LivePlayer::~LivePlayer() {
  // No metrics here: a destroyed player simply stops (call Leave() to account for it).
  state_->Stop(timers_);
}

void LivePlayer::Join() {
  State& s = *state_;
  if (s.joined) return;
  s.joined = true;
  *s.alive = true;
  s.join_time = clock_.Now();
  if (config_.give_up_after > Duration::zero()) {
    s.give_up_timer = timers_.ScheduleAfter(config_.give_up_after, [this] {
      state_->give_up_timer = 0;
      if (state_->started) return;
      // A failed start: no startup delay is reported, and the player stops trying.
      state_->Stop(timers_);
    });
  }
  RefreshPlaylist();
}

void LivePlayer::Leave() {
  State& s = *state_;
  if (!s.Active()) return;
  const SimTime now = clock_.Now();
  EndStall(now);
  if (s.playing) stats_.played += now - s.playing_since;  // the part of it actually shown
  s.playing.reset();
  s.Stop(timers_);
}

void LivePlayer::RefreshPlaylist() {
  State& s = *state_;
  if (!s.Active() || s.playlist_in_flight) return;
  if (s.refresh_timer != 0) timers_.Cancel(s.refresh_timer);
  s.refresh_timer = 0;
  s.playlist_in_flight = true;
  s.playlist_requested_at = clock_.Now();
  ContentKey key{stream_, true, 0};
  fetcher_.Fetch(viewer_, edge_, key, [this, alive = s.alive](const ContentResponse& response) {
    if (!*alive) return;
    State& st = *state_;
    st.playlist_in_flight = false;
    if (!response.found || !response.playlist) {
      ++stats_.fetch_failures;
      st.refresh_timer = timers_.ScheduleAfter(kRetryDelay, [this] {
        state_->refresh_timer = 0;
        RefreshPlaylist();
      });
      return;
    }
    st.playlist = *response.playlist;
    const LivePlaylist& playlist = *st.playlist;
    if (!st.next_sequence && playlist.ended) {
      // Joined after the stream ended: there is no live edge left to join.
      EndPlayback();
      return;
    }
    if (!st.next_sequence && !playlist.segments.empty()) {
      const std::uint64_t last = *playlist.LastSequence();
      const auto offset = static_cast<std::uint64_t>(config_.start_offset);
      st.next_sequence = std::max(*playlist.FirstSequence(), last >= offset ? last - offset : 0);
    }
    if (!playlist.ended) {
      // Re-read one target duration after the previous read was asked for.
      const Duration period = playlist.target_duration > Duration::zero() ? playlist.target_duration : kDefaultRefresh;
      const Duration wait = std::max(Duration::zero(), st.playlist_requested_at + period - clock_.Now());
      st.refresh_timer = timers_.ScheduleAfter(wait, [this] {
        state_->refresh_timer = 0;
        RefreshPlaylist();
      });
    }
    FetchNext();
    EndIfOver();
  });
}

void LivePlayer::FetchNext() {
  State& s = *state_;
  if (!s.Active() || s.segment_in_flight || s.retry_timer != 0 || !s.next_sequence || !s.playlist) return;
  const auto cap = static_cast<std::size_t>(std::max(kBufferCapSegments, config_.startup_segments));
  if (s.Held() >= cap) return;
  // The first listed segment at or after the next one: a segment that left the playlist
  // window (or never reached this ingest) is skipped, one not yet listed is not requested.
  const auto& segments = s.playlist->segments;
  auto it = std::lower_bound(segments.begin(), segments.end(), *s.next_sequence,
                             [](const SegmentInfo& seg, std::uint64_t seq) { return seg.sequence < seq; });
  while (it != segments.end() && it->gap) ++it;  // EXT-X-GAP: lost content, never fetched
  if (it == segments.end()) return;
  const SegmentInfo segment = *it;
  if (segment.sequence > *s.next_sequence) {
    // What it wanted is gone: jump, as hls.js and ffmpeg do, and count what was jumped over.
    const Duration each = s.playlist->target_duration > Duration::zero() ? s.playlist->target_duration : segment.duration;
    stats_.skipped += static_cast<Duration::rep>(segment.sequence - *s.next_sequence) * each;
    ++stats_.skips;
    metrics_.Sample(streaming_metrics::kSkipped, clock_.Now(),
                    ToMillis(static_cast<Duration::rep>(segment.sequence - *s.next_sequence) * each),
                    {{"viewer", viewer_}, {"edge", edge_node_}});
  }
  s.next_sequence = segment.sequence;
  s.segment_in_flight = true;
  ContentKey key{stream_, false, segment.sequence};
  fetcher_.Fetch(viewer_, edge_, key, [this, alive = s.alive, segment](const ContentResponse& response) {
    if (!*alive) return;
    State& st = *state_;
    st.segment_in_flight = false;
    if (!response.found) {
      ++stats_.fetch_failures;
      st.retry_timer = timers_.ScheduleAfter(kRetryDelay, [this] {
        state_->retry_timer = 0;
        FetchNext();
      });
      return;
    }
    ++stats_.segments_fetched;
    st.next_sequence = segment.sequence + 1;
    st.buffer.push_back(segment);
    if (!st.started) {
      // An ended stream may have fewer segments left than the startup threshold.
      if (st.buffer.size() >= static_cast<std::size_t>(config_.startup_segments) || st.Over()) StartPlayback();
    } else if (!st.playing) {
      EndStall(clock_.Now());
      Tick();
    }
    FetchNext();
  });
}

void LivePlayer::StartPlayback() {
  State& s = *state_;
  const SimTime now = clock_.Now();
  s.started = true;
  stats_.startup_delay = now - s.join_time;
  metrics_.Sample(streaming_metrics::kStartupDelay, now, ToMillis(*stats_.startup_delay),
                  {{"viewer", viewer_}, {"edge", edge_node_}});
  if (s.give_up_timer != 0) timers_.Cancel(s.give_up_timer);
  s.give_up_timer = 0;
  Tick();
}

void LivePlayer::EndIfOver() {
  State& s = *state_;
  if (!s.Active() || !s.Over()) return;
  if (!s.started) {
    // Fewer segments than the startup threshold will ever come: play what there is.
    if (!s.buffer.empty()) {
      StartPlayback();
    } else {
      EndPlayback();
    }
    return;
  }
  // Stalled waiting for a segment the ended playlist now says will never come.
  if (!s.playing && s.buffer.empty()) EndPlayback();
}

void LivePlayer::EndPlayback() {
  State& s = *state_;
  const SimTime now = clock_.Now();
  EndStall(now);  // a stall before the player learned of the end was still a stall
  stats_.ended_at = now;
  s.Stop(timers_);  // nothing more to fetch or re-read
}

void LivePlayer::EndStall(SimTime now) {
  if (!stats_.stalled_since) return;
  const Duration stall = now - *stats_.stalled_since;
  stats_.stall_time += stall;
  stats_.stalled_since.reset();
  metrics_.Sample(streaming_metrics::kStall, now, ToMillis(stall), {{"viewer", viewer_}, {"edge", edge_node_}});
}

void LivePlayer::Tick() {
  State& s = *state_;
  if (!s.Active()) return;
  const SimTime now = clock_.Now();
  s.tick_timer = 0;
  if (s.playing) {
    stats_.played += s.playing->duration;
    s.playing.reset();
  }
  if (!s.buffer.empty()) {
    s.playing = s.buffer.front();
    s.buffer.pop_front();
    s.playing_since = now;
    s.tick_timer = timers_.ScheduleAfter(s.playing->duration, [this] { Tick(); });
    if (on_playback_) on_playback_(*s.playing, now);
  } else if (s.Over()) {
    EndPlayback();  // the last segment has played: the end, not a stall
    return;
  } else if (!stats_.stalled_since) {
    ++stats_.stalls;
    stats_.stalled_since = now;
  }
  FetchNext();
}

}  // namespace cdnlab
