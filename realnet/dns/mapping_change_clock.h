#pragma once
// Remembers when the mapping last changed, as one more sink of the controller's diffs: what
// cdnlab_mapping_age_seconds is measured from.
#include <chrono>

#include "models/ports/resolver_config_sink.h"

namespace cdnlab {

class MappingChangeClock final : public ResolverConfigSink {
 public:
  void Apply(const MappingDiff&) override { changed_at_ = std::chrono::steady_clock::now(); }
  // The epoch until the first diff.
  std::chrono::steady_clock::time_point ChangedAt() const { return changed_at_; }

 private:
  std::chrono::steady_clock::time_point changed_at_{};
};

}  // namespace cdnlab
