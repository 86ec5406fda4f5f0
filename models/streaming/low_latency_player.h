#pragma once
// A viewer's LL-HLS player, modelled on hls.js in low-latency mode:
//  - it joins with a plain playlist request, and starts PART-HOLD-BACK (at least 3 part
//    targets) behind the newest part: at the listed part that far from the live edge;
//  - it then keeps one blocking playlist reload in flight (_HLS_msn/_HLS_part naming the part
//    after the newest it knows, _HLS_skip=YES when the server can skip), answered by the
//    origin as soon as that part exists;
//  - it fetches media one unit at a time, in order: the listed part it wants next, or the
//    preload-hinted part before it exists (the origin holds that request until it does), or
//    the whole segment when it is behind the listed parts; what is no longer listed is
//    skipped, as LivePlayer skips, and counted;
//  - playback starts with the first unit and runs in real time; an empty buffer is a stall.
// It reports the same PlayerStats as LivePlayer (segments_fetched counts parts and segments)
// and, for glass-to-glass latency, each unit it starts playing: (segment, part index), index 0
// for a whole segment.
#include <functional>
#include <memory>
#include <string>

#include "models/ports/clock.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/timer_scheduler.h"
#include "models/streaming/content_fetcher.h"
#include "models/streaming/live_player.h"
#include "models/streaming/low_latency_fetcher.h"
#include "models/streaming/viewer_player.h"

namespace cdnlab {

struct LowLatencyPlayerConfig {
  Duration give_up_after = FromSeconds(30);  // join never completes: counted as a failed start
  // Media fetched ahead of the playhead, in target durations (the playing unit included).
  int buffer_cap_target_durations = 3;
};

class LowLatencyPlayer final : public ViewerPlayer {
 public:
  LowLatencyPlayer(std::string viewer, std::string edge_node, Endpoint edge, StreamId stream,
                   LowLatencyPlayerConfig config, ContentFetcher& media, LowLatencyPlaylistFetcher& playlists,
                   TimerScheduler& timers, const Clock& clock, MetricsSink& metrics);
  ~LowLatencyPlayer() override;
  void Join() override;
  void Leave() override;
  const PlayerStats& Stats() const override { return stats_; }
  const std::string& Viewer() const { return viewer_; }

  using PlaybackObserver = std::function<void(const PartPosition& unit, SimTime started)>;
  void OnPlayback(PlaybackObserver observer) { on_playback_ = std::move(observer); }

 private:
  struct State;
  void Reload(bool blocking);
  void OnPlaylist(const LowLatencyAnswer& answer, bool blocking);
  void FetchNext();
  void Tick();
  void StartPlayback();
  void EndIfOver();
  void EndPlayback();
  void EndStall(SimTime now);

  std::string viewer_;
  std::string edge_node_;
  Endpoint edge_;
  StreamId stream_;
  LowLatencyPlayerConfig config_;
  ContentFetcher& media_;
  LowLatencyPlaylistFetcher& playlists_;
  TimerScheduler& timers_;
  const Clock& clock_;
  MetricsSink& metrics_;
  PlayerStats stats_;
  PlaybackObserver on_playback_;
  std::unique_ptr<State> state_;
};

}  // namespace cdnlab
