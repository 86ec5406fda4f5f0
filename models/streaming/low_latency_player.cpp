#include "models/streaming/low_latency_player.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <utility>

#include "models/streaming/low_latency_media_plan.h"
#include "models/streaming/metric_names.h"

namespace cdnlab {
namespace {

// A failed playlist or media fetch is retried this long after its answer (as LivePlayer).
constexpr Duration kRetryDelay = std::chrono::milliseconds(500);

// The newest position a playlist reaches: its newest part, else its last complete segment.
PartPosition Reach(const LowLatencyPlaylist& p) {
  const auto last_part = p.LastPart();
  const auto last = p.base.LastSequence();
  PartPosition reach{0, 0};
  if (last) reach = PartPosition{*last, 0};
  if (last_part && reach < *last_part) reach = *last_part;
  return reach;
}

}  // namespace

// Playback: `playing` is the unit being shown since `playing_since`; a timer (Tick) fires at its
// end and takes the next from `buffer`. Fetching: one media unit at a time, in order (`next`),
// and one playlist request at a time. Every callback holds `alive`, false once the player
// leaves, gives up, ends or is destroyed; every timer is cancelled then.
struct LowLatencyPlayer::State {
  struct Unit {
    PartPosition at;
    Duration duration{0};
  };
  std::shared_ptr<bool> alive = std::make_shared<bool>(false);
  bool joined = false;
  SimTime join_time{0};

  std::shared_ptr<const LowLatencyPlaylist> playlist;
  std::optional<PartPosition> next;
  bool playlist_in_flight = false;
  bool media_in_flight = false;

  std::deque<Unit> buffer;
  std::optional<Unit> playing;
  SimTime playing_since{0};
  bool started = false;

  TimerId reload_timer = 0;
  TimerId retry_timer = 0;
  TimerId tick_timer = 0;
  TimerId give_up_timer = 0;

  bool Active() const { return *alive; }
  void Stop(TimerScheduler& timers) {
    *alive = false;
    for (TimerId* timer : {&reload_timer, &retry_timer, &tick_timer, &give_up_timer}) {
      if (*timer != 0) timers.Cancel(*timer);
      *timer = 0;
    }
  }
  Duration Held() const {
    Duration held{0};
    for (const Unit& u : buffer) held += u.duration;
    return held + (playing ? playing->duration : Duration{0});
  }
  // The playlist has ended and lists nothing at or after the next position.
  bool Over() const {
    if (!playlist || !playlist->base.ended || media_in_flight) return false;
    return !next || PlanMedia(*playlist, *next).kind == MediaStep::Kind::kWait;
  }
};

LowLatencyPlayer::LowLatencyPlayer(std::string viewer, std::string edge_node, Endpoint edge, StreamId stream,
                                   LowLatencyPlayerConfig config, ContentFetcher& media,
                                   LowLatencyPlaylistFetcher& playlists, TimerScheduler& timers, const Clock& clock,
                                   MetricsSink& metrics)
    : viewer_(std::move(viewer)),
      edge_node_(std::move(edge_node)),
      edge_(edge),
      stream_(std::move(stream)),
      config_(config),
      media_(media),
      playlists_(playlists),
      timers_(timers),
      clock_(clock),
      metrics_(metrics),
      state_(std::make_unique<State>()) {
  config_.buffer_cap_target_durations = std::max(1, config_.buffer_cap_target_durations);
}

LowLatencyPlayer::~LowLatencyPlayer() { state_->Stop(timers_); }

void LowLatencyPlayer::Join() {
  State& s = *state_;
  if (s.joined) return;
  s.joined = true;
  *s.alive = true;
  s.join_time = clock_.Now();
  if (config_.give_up_after > Duration::zero()) {
    s.give_up_timer = timers_.ScheduleAfter(config_.give_up_after, [this] {
      state_->give_up_timer = 0;
      if (!state_->started) state_->Stop(timers_);  // a failed start
    });
  }
  Reload(/*blocking=*/false);
}

void LowLatencyPlayer::Leave() {
  State& s = *state_;
  if (!s.Active()) return;
  const SimTime now = clock_.Now();
  EndStall(now);
  if (s.playing) stats_.played += now - s.playing_since;
  s.playing.reset();
  s.Stop(timers_);
}

void LowLatencyPlayer::Reload(bool blocking) {
  State& s = *state_;
  if (!s.Active() || s.playlist_in_flight) return;
  LowLatencyPlaylistRequest request{stream_, {}};
  if (blocking && s.playlist) {
    const auto directives = NextReload(*s.playlist);
    if (!directives) return;  // ended: nothing more will come
    request.directives = *directives;
  }
  s.playlist_in_flight = true;
  playlists_.Fetch(viewer_, edge_, request, [this, alive = s.alive, blocking](const LowLatencyAnswer& answer) {
    if (!*alive) return;
    state_->playlist_in_flight = false;
    OnPlaylist(answer, blocking);
  });
}

void LowLatencyPlayer::OnPlaylist(const LowLatencyAnswer& answer, bool blocking) {
  State& s = *state_;
  auto later = [this](bool blocking_again) {
    state_->reload_timer = timers_.ScheduleAfter(kRetryDelay, [this, blocking_again] {
      state_->reload_timer = 0;
      Reload(blocking_again);
    });
  };
  if (!answer.Ok()) {
    ++stats_.fetch_failures;
    later(false);  // a plain reload: the directives may be what the server refused
    return;
  }
  const bool advanced = !s.playlist || s.playlist->base.ended != answer.playlist->base.ended ||
                        Reach(*s.playlist) < Reach(*answer.playlist);
  // An answer older than the playlist held (a kept answer, a failover) never replaces it.
  if (!s.playlist || !(Reach(*answer.playlist) < Reach(*s.playlist))) s.playlist = answer.playlist;
  const LowLatencyPlaylist& playlist = *s.playlist;
  if (!s.next && playlist.base.ended) {
    EndPlayback();  // joined after the stream ended
    return;
  }
  if (!s.next && (!playlist.base.segments.empty() || !ListedParts(playlist).empty())) {
    s.next = StartPosition(playlist);
  }
  if (!playlist.base.ended) {
    // The next blocking reload goes out at once; one that brought nothing new waits first.
    if (advanced || !blocking) {
      Reload(/*blocking=*/true);
    } else {
      later(true);
    }
  }
  FetchNext();
  EndIfOver();
}

void LowLatencyPlayer::FetchNext() {
  State& s = *state_;
  if (!s.Active() || s.media_in_flight || s.retry_timer != 0 || !s.next || !s.playlist) return;
  const Duration cap = config_.buffer_cap_target_durations * s.playlist->base.target_duration;
  if (s.Held() >= cap && s.Held() > Duration::zero()) return;
  MediaStep step = PlanMedia(*s.playlist, *s.next);
  if (step.kind == MediaStep::Kind::kJump) {
    if (step.skipped_parts > 0) {
      const Duration skipped = static_cast<Duration::rep>(step.skipped_parts) * s.playlist->part_target;
      stats_.skipped += skipped;
      ++stats_.skips;
      metrics_.Sample(streaming_metrics::kSkipped, clock_.Now(), ToMillis(skipped),
                      {{"viewer", viewer_}, {"edge", edge_node_}});
    }
    s.next = step.at;
    step = PlanMedia(*s.playlist, *s.next);
  }
  if (step.kind == MediaStep::Kind::kWait || step.kind == MediaStep::Kind::kJump) return;
  const bool whole = step.kind == MediaStep::Kind::kSegment;
  ContentKey key{stream_, false, step.at.sequence};
  if (!whole) key.part = step.at.index;
  s.media_in_flight = true;
  const State::Unit unit{step.at, step.duration};
  media_.Fetch(viewer_, edge_, key, [this, alive = s.alive, unit, whole](const ContentResponse& response) {
    if (!*alive) return;
    State& st = *state_;
    st.media_in_flight = false;
    if (!response.found) {
      ++stats_.fetch_failures;
      st.retry_timer = timers_.ScheduleAfter(kRetryDelay, [this] {
        state_->retry_timer = 0;
        FetchNext();
        EndIfOver();  // a hinted part the ended stream will never have
      });
      EndIfOver();
      return;
    }
    ++stats_.segments_fetched;
    st.next = After(unit.at, whole);
    st.buffer.push_back(unit);
    if (!st.started) {
      StartPlayback();
    } else if (!st.playing) {
      EndStall(clock_.Now());
      Tick();
    }
    FetchNext();
    EndIfOver();
  });
}

void LowLatencyPlayer::StartPlayback() {
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

void LowLatencyPlayer::EndIfOver() {
  State& s = *state_;
  if (!s.Active() || !s.Over()) return;
  if (!s.started) {
    if (!s.buffer.empty()) {
      StartPlayback();
    } else {
      EndPlayback();
    }
    return;
  }
  if (!s.playing && s.buffer.empty()) EndPlayback();
}

void LowLatencyPlayer::EndPlayback() {
  State& s = *state_;
  const SimTime now = clock_.Now();
  EndStall(now);
  stats_.ended_at = now;
  s.Stop(timers_);
}

void LowLatencyPlayer::EndStall(SimTime now) {
  if (!stats_.stalled_since) return;
  const Duration stall = now - *stats_.stalled_since;
  stats_.stall_time += stall;
  stats_.stalled_since.reset();
  metrics_.Sample(streaming_metrics::kStall, now, ToMillis(stall), {{"viewer", viewer_}, {"edge", edge_node_}});
}

void LowLatencyPlayer::Tick() {
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
    if (on_playback_) on_playback_(s.playing->at, now);
  } else if (s.Over()) {
    EndPlayback();
    return;
  } else if (!stats_.stalled_since) {
    ++stats_.stalls;
    stats_.stalled_since = now;
  }
  FetchNext();
}

}  // namespace cdnlab
