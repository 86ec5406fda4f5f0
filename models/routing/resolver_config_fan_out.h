#pragma once
#include <vector>

#include "models/ports/resolver_config_sink.h"

namespace cdnlab {

// Hands each mapping diff to several sinks in order (the controller's own DNS, snapshot
// followers, an operator's Knot or BIND): the controller itself knows only one sink.
class ResolverConfigFanOut final : public ResolverConfigSink {
 public:
  void Add(ResolverConfigSink* sink) {
    if (sink != nullptr) sinks_.push_back(sink);
  }
  bool Empty() const { return sinks_.empty(); }
  void Apply(const MappingDiff& diff) override {
    for (ResolverConfigSink* sink : sinks_) sink->Apply(diff);
  }

 private:
  std::vector<ResolverConfigSink*> sinks_;
};

}  // namespace cdnlab
