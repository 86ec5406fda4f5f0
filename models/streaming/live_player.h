#pragma once
// A viewer's player: joins a stream at its edge, reads the playlist, starts `start_offset`
// segments behind the live edge once `startup_segments` are buffered, then plays in real
// time while fetching the next segments; an empty buffer is a stall (rebuffering) until a
// segment arrives. The playlist is re-read every target duration. When the playlist ends
// (EXT-X-ENDLIST) and its last segment has played, playback has ended: not a stall, and the
// player stops. A player whose first playlist has already ended joined too late: it ends at
// once without starting. Reports startup delay, stall count and stall time, the end, and
// which edge it used.
// Like hls.js and ffmpeg, it skips: when the next segment it wants is no longer listed (it left
// the playlist window, or the sequence jumps past it, as after a failover that lost content),
// it jumps to the first listed segment after it and counts the content time it skipped.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "models/ports/clock.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/timer_scheduler.h"
#include "models/streaming/content_fetcher.h"
#include "models/streaming/live_stream.h"
#include "models/streaming/viewer_player.h"

namespace cdnlab {

struct PlayerConfig {
  int startup_segments = 2;      // buffered before playback starts
  int start_offset = 3;          // segments behind the newest when joining
  Duration give_up_after = FromSeconds(30);  // join never completes: counted as a failed start
};

struct PlayerStats {
  std::optional<Duration> startup_delay;  // join -> first frame
  std::uint64_t stalls = 0;
  Duration stall_time{0};
  Duration played{0};
  std::uint64_t segments_fetched = 0;
  std::uint64_t fetch_failures = 0;
  std::optional<SimTime> stalled_since;     // set while stalled
  std::optional<SimTime> ended_at;          // the stream ended (ENDLIST) and nothing is left to play
  Duration skipped{0};      // content jumped over (missing sequences x the playlist's target duration)
  std::uint64_t skips = 0;  // jumps
};

class LivePlayer final : public ViewerPlayer {
 public:
  LivePlayer(std::string viewer, std::string edge_node, Endpoint edge, StreamId stream, PlayerConfig config,
             ContentFetcher& fetcher, TimerScheduler& timers, const Clock& clock, MetricsSink& metrics);
  ~LivePlayer() override;
  void Join() override;
  void Leave() override;
  const PlayerStats& Stats() const override { return stats_; }
  const std::string& Edge() const { return edge_node_; }
  const std::string& Viewer() const { return viewer_; }
  // Told each time a segment starts playing, with the time (glass-to-glass latency is that
  // time minus the segment's capture time, which the runtime knows from its publisher).
  using PlaybackObserver = std::function<void(const SegmentInfo& segment, SimTime started)>;
  void OnPlayback(PlaybackObserver observer) { on_playback_ = std::move(observer); }

 private:
  void RefreshPlaylist();
  void FetchNext();
  void Tick();  // consumes buffered media in real time
  void StartPlayback();
  void EndIfOver();  // the stream ended and everything it listed was fetched
  void EndPlayback();
  void EndStall(SimTime now);  // counts a stall in progress up to `now`

  std::string viewer_;
  std::string edge_node_;
  Endpoint edge_;
  StreamId stream_;
  PlayerConfig config_;
  ContentFetcher& fetcher_;
  TimerScheduler& timers_;
  const Clock& clock_;
  MetricsSink& metrics_;
  PlayerStats stats_;
  PlaybackObserver on_playback_;
  // Implementation state (buffer, next sequence, timers) is the implementer's choice.
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace cdnlab
