#pragma once
// The metrics of a DNS server process (`realnet dns`, the controller's own server), read at
// scrape time:
//   cdnlab_dns_queries_total{rcode,pop}   responses sent (pop "none": no PoP in the answer)
//   cdnlab_dns_received_total{transport}  queries read, udp and tcp
//   cdnlab_dns_dropped_total, cdnlab_dns_truncated_total, cdnlab_dns_send_errors_total
//   cdnlab_mapping_version                the version answered from (0: none yet)
//   cdnlab_mapping_age_seconds            since that version was taken (absent while 0)
#include <chrono>
#include <cstdint>
#include <functional>

#include "realnet/dns/authoritative_server.h"
#include "realnet/net/metrics_registry.h"

namespace cdnlab {

// `server` must outlive the registry's scrapes.
void AddDnsServerMetrics(MetricsRegistry& registry, const RealDnsServer& server);

// `since` tells when the current version began to be answered.
void AddMappingMetrics(MetricsRegistry& registry, std::function<std::uint64_t()> version,
                       std::function<std::chrono::steady_clock::time_point()> since);

}  // namespace cdnlab
