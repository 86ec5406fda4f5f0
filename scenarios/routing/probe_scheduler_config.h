#pragma once
#include <cstdint>

#include "models/routing/probe_scheduler.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

// The scenario's `probing` section as the ProbeScheduler's configuration (both runtimes).
ProbeSchedulerConfig ProbeSchedulerConfigFor(const ProbeSpec& probing, std::uint16_t responder_port);

}  // namespace cdnlab
