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
      timers_(timers),
      random_(random),
      metrics_(metrics),
      config_(std::move(config)),
      next_(catalog.groups.size()) {}

DownloadWorkload::~DownloadWorkload() { Stop(); }

void DownloadWorkload::Start() {
  if (running_ || config_.downloads_per_group_per_min <= 0) return;
  running_ = true;
  alive_ = std::make_shared<bool>(true);
  for (GroupIndex g = 0; g < catalog_.groups.size(); ++g) ScheduleNext(g);
}

void DownloadWorkload::Stop() {
  running_ = false;
  if (alive_) *alive_ = false;  // downloads in flight report to nobody
  for (auto& t : next_) {
    if (t) timers_.Cancel(*t);
    t.reset();
  }
}

void DownloadWorkload::ScheduleNext(GroupIndex g) {
  const double mean_gap_s = 60.0 / config_.downloads_per_group_per_min;
  SimTime at = clock_.Now() + FromSeconds(random_.Exponential(mean_gap_s));
  if (clock_.Now() < config_.start_at) at = config_.start_at + FromSeconds(random_.Exponential(mean_gap_s));
  if (at >= config_.stop_at) return;
  next_[g] = timers_.ScheduleAfter(at - clock_.Now(), [this, g] {
    next_[g].reset();
    Begin(g);
    ScheduleNext(g);
  });
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
