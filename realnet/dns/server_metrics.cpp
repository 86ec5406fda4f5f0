#include "realnet/dns/server_metrics.h"

#include <string>
#include <utility>

namespace cdnlab {

void AddDnsServerMetrics(MetricsRegistry& registry, const RealDnsServer& server) {
  registry.AddCollector([&server](MetricsCollection& out) {
    // PoP ids of the answerer served now (a follower's next snapshot may list other PoPs).
    const auto& pops = server.Answerer().PopIds();
    const char* queries = "DNS responses sent, by rcode and by the PoP answered";
    out.Declare("cdnlab_dns_queries_total", PrometheusType::kCounter, queries);
    for (const auto& row : server.Queries().Totals()) {
      std::string pop = row.pop == DnsQueryCounters::kNoPop      ? "none"
                        : row.pop == DnsQueryCounters::kOtherPop ? "other"
                        : static_cast<std::size_t>(row.pop) < pops.size() ? pops[row.pop]
                                                                          : "pop" + std::to_string(row.pop);
      out.Counter("cdnlab_dns_queries", queries, static_cast<double>(row.count),
                  {{"rcode", DnsRcodeName(row.rcode)}, {"pop", std::move(pop)}});
    }
    const DnsServerStats s = server.Stats();
    const char* received = "DNS queries read, by transport";
    out.Counter("cdnlab_dns_received", received, static_cast<double>(s.udp_queries), {{"transport", "udp"}});
    out.Counter("cdnlab_dns_received", received, static_cast<double>(s.tcp_queries), {{"transport", "tcp"}});
    out.Counter("cdnlab_dns_dropped", "Datagrams not answered (too short, responses, over 4 KiB)",
                static_cast<double>(s.dropped));
    out.Counter("cdnlab_dns_truncated", "UDP responses sent truncated (TC)", static_cast<double>(s.truncated));
    out.Counter("cdnlab_dns_send_errors", "UDP responses the kernel would not take", static_cast<double>(s.send_errors));
  });
}

void AddMappingMetrics(MetricsRegistry& registry, std::function<std::uint64_t()> version,
                       std::function<std::chrono::steady_clock::time_point()> since) {
  registry.AddCollector([version = std::move(version), since = std::move(since)](MetricsCollection& out) {
    const std::uint64_t v = version();
    out.Gauge("cdnlab_mapping_version", "Mapping version answered from (0: none yet)", static_cast<double>(v));
    if (v == 0) return;
    const std::chrono::duration<double> age = std::chrono::steady_clock::now() - since();
    out.Gauge("cdnlab_mapping_age_seconds", "Seconds since the mapping version answered from was taken", age.count());
  });
}

}  // namespace cdnlab
