#pragma once
// What an LL-HLS player does next with the playlist it holds (the policy of LowLatencyPlayer,
// after hls.js in low-latency mode): where it starts, which unit (part or whole segment) it
// fetches for the position it wants next, and which blocking reload it asks for. Plain
// values, no I/O.
#include <cstdint>
#include <vector>

#include "models/streaming/delivery_directives.h"
#include "models/streaming/low_latency_playlist.h"

namespace cdnlab {

struct MediaStep {
  enum class Kind {
    kPart,        // the wanted part is listed
    kHintedPart,  // the wanted part is the preload hint: ask now, the origin holds the request
    kSegment,     // behind the listed parts: the whole (complete) segment
    kJump,        // the wanted position is no longer there (left the window, lost): go to `at`
    kWait,        // not there yet and not hinted: wait for the next playlist
  };
  Kind kind = Kind::kWait;
  PartPosition at;                  // the unit to fetch, or where to jump
  Duration duration{0};             // the unit's (a hinted part: the part target)
  std::uint64_t skipped_parts = 0;  // kJump: parts jumped over (whole segments as parts per segment)
};

// The parts a playlist lists, ascending (complete segments' parts, then the open segment's).
std::vector<PartInfo> ListedParts(const LowLatencyPlaylist& playlist);
// Where to start: the listed part PART-HOLD-BACK (at least 3 part targets) behind the end of
// the newest part; without parts, the segment two before the last.
PartPosition StartPosition(const LowLatencyPlaylist& playlist);
MediaStep PlanMedia(const LowLatencyPlaylist& playlist, const PartPosition& wanted);
// The position after `played` (a part, or with `whole` the segment).
PartPosition After(const PartPosition& played, bool whole);
// The blocking reload to ask for next: the part after the newest known (the preload hint),
// with a delta update when the server can skip. nullopt for an ended playlist.
std::optional<DeliveryDirectives> NextReload(const LowLatencyPlaylist& playlist);

}  // namespace cdnlab
