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
      labels_(catalog),
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
  const IpFamily family = families_ ? families_->Choose(g) : IpFamily::kV4;
  const bool v6 = family == IpFamily::kV6;
  if (v6) ++started6_;
  const IpAddress client = FamilyChooser::ClientAddress(group, family);
  std::shared_ptr<bool> alive = alive_;
  resolver_.Resolve(client, config_.hostname, [this, g, v6, client, alive](const ResolveResult& r) {
    if (!*alive) return;
    if (r.timed_out || r.rcode != DnsRcode::kNoError || (v6 ? r.addresses6.empty() : r.addresses.empty())) {
      ++failed_;
      metrics_.Count(metric::kDnsFailed, 1, labels_.Group(g, v6));
      return;
    }
    const IpAddress server = v6 ? IpAddress(r.addresses6.front()) : IpAddress(r.addresses.front());
    const MetricLabels* labels = &labels_.GroupPop(g, catalog_.PopOfServer(server), v6);
    fetcher_.Fetch(client, Endpoint{server, config_.server_port}, config_.object_bytes,
                   [this, v6, labels, alive](const FetchResult& f) {
                     if (!*alive) return;
                     if (f.ok) {
                       ++completed_;
                       metrics_.Sample(metric::kDownloadMs, clock_.Now(), ToMillis(f.elapsed), *labels);
                       if (v6) {
                         ++completed6_;
                         metrics_.Count(metric::kDownloadCompletedIpv6, 1, *labels);
                       }
                     } else {
                       ++failed_;
                       metrics_.Count(metric::kDownloadFailed, 1, *labels);
                     }
                   });
  });
}

}  // namespace cdnlab
