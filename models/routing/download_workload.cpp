#include "models/routing/download_workload.h"

#include <memory>

#include "models/routing/metric_names.h"

namespace cdnlab {

DownloadWorkload::DownloadWorkload(const RoutingCatalog& catalog, NameResolver& resolver, ObjectFetcher& fetcher,
                                   Clock& clock, TimerScheduler& timers, RandomSource& random, MetricsSink& metrics,
                                   DownloadWorkloadConfig config)
    : catalog_(catalog),
      resolver_(resolver),
      fetcher_(fetcher),
      clock_(clock),
      random_(random),
      metrics_(metrics),
      config_(std::move(config)),
      arrivals_(catalog.groups.size(),
                GroupArrivalsConfig{config_.downloads_per_group_per_min, config_.start_at, config_.stop_at}, clock,
                timers, random, [this](GroupIndex g) { Begin(g); }) {}

DownloadWorkload::~DownloadWorkload() { Stop(); }

void DownloadWorkload::Start() {
  if (running_ || config_.downloads_per_group_per_min <= 0) return;
  running_ = true;
  alive_ = std::make_shared<bool>(true);
  arrivals_.Start();
}

void DownloadWorkload::Stop() {
  running_ = false;
  if (alive_) *alive_ = false;  // downloads in flight report to nobody
  arrivals_.Stop();
}

void DownloadWorkload::Begin(GroupIndex g) {
  ++started_;
  const ClientGroupInfo& group = catalog_.groups[g];
  std::shared_ptr<bool> alive = alive_;
  resolver_.Resolve(group.representative, config_.hostname, [this, g, alive](const ResolveResult& r) {
    if (!*alive) return;
    const ClientGroupInfo& group = catalog_.groups[g];
    if (r.timed_out || r.rcode != DnsRcode::kNoError || r.addresses.empty()) {
      ++failed_;
      metrics_.Count(metric::kDnsFailed, 1, {{metric::kLabelGroup, group.id}});
      return;
    }
    const Ipv4Address server = r.addresses.front();
    const auto pop = catalog_.PopOfServer(server);
    const std::string pop_id = pop ? catalog_.pops[*pop].id : "unknown";
    fetcher_.Fetch(group.representative, Endpoint{server, config_.server_port}, config_.object_bytes,
                   [this, g, pop_id, alive](const FetchResult& f) {
                     if (!*alive) return;
                     const MetricLabels labels{{metric::kLabelGroup, catalog_.groups[g].id},
                                               {metric::kLabelPop, pop_id}};
                     if (f.ok) {
                       ++completed_;
                       metrics_.Sample(metric::kDownloadMs, clock_.Now(), ToMillis(f.elapsed), labels);
                     } else {
                       ++failed_;
                       metrics_.Count(metric::kDownloadFailed, 1, labels);
                     }
                   });
  });
}

}  // namespace cdnlab
