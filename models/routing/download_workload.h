#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/ports/clock.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/name_resolver.h"
#include "models/ports/object_fetcher.h"
#include "models/ports/random_source.h"
#include "models/ports/timer_scheduler.h"
#include "models/routing/catalog.h"
#include "models/routing/family_chooser.h"
#include "models/routing/group_arrivals.h"
#include "models/routing/request_labels.h"

namespace cdnlab {

struct DownloadWorkloadConfig {
  std::string hostname = "cdn.example.net";
  std::uint64_t object_bytes = 100 * 1000;
  double downloads_per_group_per_min = 6;  // Poisson arrivals per client group
  std::uint16_t server_port = 80;
  SimTime start_at{0};
  SimTime stop_at = std::chrono::seconds(300);  // no new downloads start after this
};

// The users of each client group: at Poisson times (GroupArrivals) a client on the group's representative
// host resolves the CDN hostname through its resolver and downloads one object from the
// answered server. Emits download.ms samples (labels group, pop) and download.failed /
// dns.failed counters. With UseFamilies, a dual-stack group's users resolve AAAA from their
// IPv6 host and download over IPv6 for the chooser's share of requests; those samples carry
// family=ipv6 (IPv4 ones no family label) and are counted again in download.completed_ipv6.
class DownloadWorkload {
 public:
  DownloadWorkload(const RoutingCatalog& catalog, NameResolver& resolver, ObjectFetcher& fetcher, Clock& clock,
                   TimerScheduler& timers, RandomSource& random, MetricsSink& metrics,
                   DownloadWorkloadConfig config = {});
  ~DownloadWorkload();
  void Start();
  void Stop();
  // Without it every request goes over IPv4.
  void UseFamilies(FamilyChooser& families) { families_ = &families; }

  std::uint64_t Started() const { return started_; }
  std::uint64_t Completed() const { return completed_; }
  std::uint64_t Failed() const { return failed_; }
  // The same, for IPv6 requests only.
  std::uint64_t StartedIpv6() const { return started6_; }
  std::uint64_t CompletedIpv6() const { return completed6_; }

 private:
  void Begin(GroupIndex g);

  const RoutingCatalog& catalog_;
  NameResolver& resolver_;
  ObjectFetcher& fetcher_;
  Clock& clock_;
  RandomSource& random_;
  MetricsSink& metrics_;
  DownloadWorkloadConfig config_;
  RequestLabels labels_;  // per (group, pop, family), built once
  GroupArrivals arrivals_;
  FamilyChooser* families_ = nullptr;
  bool running_ = false;
  // Shared with callbacks of resolutions and downloads in flight, which may arrive after Stop.
  std::shared_ptr<bool> alive_;
  std::uint64_t started_ = 0;
  std::uint64_t completed_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t started6_ = 0;
  std::uint64_t completed6_ = 0;
};

}  // namespace cdnlab
