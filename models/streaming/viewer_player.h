#pragma once
// What a runtime needs of a viewer's player, whichever protocol it plays: join, leave, and the
// outcome (startup, stalls, skips, what it played). LivePlayer plays HLS segment by segment;
// LowLatencyPlayer plays LL-HLS parts with blocking playlist reloads.
namespace cdnlab {

struct PlayerStats;  // models/streaming/live_player.h

class ViewerPlayer {
 public:
  virtual ~ViewerPlayer() = default;
  virtual void Join() = 0;
  virtual void Leave() = 0;
  virtual const PlayerStats& Stats() const = 0;
};

}  // namespace cdnlab
