#include "models/routing/rum_workload.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "models/routing/metric_names.h"

namespace cdnlab {

RumWorkload::RumWorkload(const RoutingCatalog& catalog, NameResolver& resolver, ObjectFetcher& fetcher,
                         DatagramTransport& transport, CandidateChooser& chooser, Clock& clock,
                         TimerScheduler& timers, RandomSource& random, MetricsSink& metrics, RumWorkloadConfig config)
    : catalog_(catalog),
      resolver_(resolver),
      fetcher_(fetcher),
      transport_(transport),
      chooser_(chooser),
      clock_(clock),
      random_(random),
      metrics_(metrics),
      config_(std::move(config)),
      arrivals_(catalog.groups.size(),
                GroupArrivalsConfig{config_.page_views_per_group_per_min, config_.start_at, config_.stop_at}, clock,
                timers, random, [this](GroupIndex g) { Begin(g); }) {}

RumWorkload::~RumWorkload() { Stop(); }

void RumWorkload::Start() {
  if (running_ || config_.page_views_per_group_per_min <= 0) return;
  running_ = true;
  alive_ = std::make_shared<bool>(true);
  for (const auto& g : catalog_.groups) {
    // Beacons are fire-and-forget: nothing comes back to this socket.
    transport_.Bind(Endpoint{g.representative, config_.page.beacon_port}, [](const Endpoint&, const Bytes&) {});
  }
  arrivals_.Start();
}

void RumWorkload::Stop() {
  if (!running_) return;
  running_ = false;
  *alive_ = false;  // page views in flight report to nobody
  arrivals_.Stop();
  for (const auto& g : catalog_.groups) transport_.Unbind(Endpoint{g.representative, config_.page.beacon_port});
}

std::string RumWorkload::NextPageViewId() {
  // A random token (what a real tag would draw) plus a sequence number, so ids never collide.
  char token[17];
  std::snprintf(token, sizeof token, "%016llx", static_cast<unsigned long long>(random_.NextU64()));
  return std::string("pv-") + token + "-" + std::to_string(page_views_);
}

void RumWorkload::Begin(GroupIndex g) {
  const std::vector<PopIndex> candidates = chooser_.Choose(g, clock_.Now());
  const std::string id = NextPageViewId();
  ++page_views_;
  test_fetches_ += candidates.size();
  metrics_.Count(metric::kRumTestFetches, static_cast<double>(candidates.size()),
                 {{metric::kLabelGroup, catalog_.groups[g].id}});
  const IpFamily family = families_ ? families_->Choose(g) : IpFamily::kV4;
  auto view = std::make_shared<RumPageView>(catalog_, resolver_, fetcher_, transport_, clock_, g, candidates, id,
                                            config_.page, family);
  std::shared_ptr<bool> alive = alive_;
  view->Start([this, alive](const RumPageViewReport& report) {
    if (*alive) OnPageViewDone(report);
  });
}

void RumWorkload::OnPageViewDone(const RumPageViewReport& report) {
  if (report.beacon_bytes > 0) ++beacons_sent_;
  const std::uint64_t bytes = report.test_bytes + report.beacon_bytes;
  bytes_ += bytes;
  metrics_.Count(metric::kRumBytes, static_cast<double>(bytes), {{metric::kLabelGroup, catalog_.groups[report.group].id}});
}

}  // namespace cdnlab
