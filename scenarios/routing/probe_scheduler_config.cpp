#include "scenarios/routing/probe_scheduler_config.h"

namespace cdnlab {

ProbeSchedulerConfig ProbeSchedulerConfigFor(const ProbeSpec& probing, std::uint16_t responder_port) {
  ProbeSchedulerConfig c;
  c.interval = FromSeconds(probing.interval_s);
  c.packets_per_train = probing.packets_per_train;
  c.spacing = FromMillis(probing.spacing_ms);
  c.timeout = FromMillis(probing.timeout_ms);
  c.packet_bytes = static_cast<std::size_t>(probing.packet_bytes);
  c.responder_port = responder_port;
  return c;
}

}  // namespace cdnlab
