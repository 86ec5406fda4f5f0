#pragma once
// Minimum dwell time: once a row's first PoP is published it stays first for at least
// min_dwell, so a row cannot flap faster than that whatever the measurements do. Hysteresis
// (MeasuredPolicy) filters small differences; dwell bounds how often even large ones act.
#include <cstdint>
#include <optional>
#include <vector>

#include "models/routing/ranking_adjuster.h"

namespace cdnlab {

class MinDwellAdjuster final : public RankingAdjuster {
 public:
  // min_dwell must be >= 0 (0 = never holds anything); throws std::invalid_argument otherwise.
  explicit MinDwellAdjuster(Duration min_dwell);

  // Tracks, per target, when the PUBLISHED first PoP last changed (a change seen in `published`
  // happened at the previous Adjust, since the controller publishes right after adjusting; the
  // first publication starts the clock). While that PoP has been first for less than min_dwell
  // and the new ranking still contains it (it is still usable), it is moved back to the front,
  // the rest keeping their order. A PoP missing from the new ranking is let go at once.
  // Add it to the controller BEFORE CapacitySpillAdjuster: capacity overrides dwell (a spill
  // may still move a held row off a full PoP), never the other way round.
  // Throws std::invalid_argument when rankings and published differ in size.
  void Adjust(const std::vector<MappingTarget>& targets, std::vector<std::vector<PopIndex>>& rankings,
              const std::vector<std::vector<PopIndex>>& published, SimTime now) override;

  // Switches this adjuster held back, last Adjust / all Adjusts.
  std::uint64_t LastHeldRows() const { return last_held_; }
  std::uint64_t HeldRows() const { return held_total_; }

 private:
  struct RowState {
    std::optional<PopIndex> first;  // the published first PoP as last seen
    SimTime since{};                // when it was published first
  };
  Duration min_dwell_;
  std::vector<RowState> rows_;
  std::optional<SimTime> last_adjust_;  // when the current publication was computed
  std::uint64_t last_held_ = 0;
  std::uint64_t held_total_ = 0;
};

}  // namespace cdnlab
