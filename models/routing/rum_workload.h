#pragma once
// The users of every client group viewing pages that carry the RUM tool: Poisson page views per
// group (GroupArrivals), each told which PoPs to test by the CandidateChooser when its page is served.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "models/ports/clock.h"
#include "models/ports/datagram_transport.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/name_resolver.h"
#include "models/ports/object_fetcher.h"
#include "models/ports/random_source.h"
#include "models/ports/timer_scheduler.h"
#include "models/routing/candidate_chooser.h"
#include "models/routing/group_arrivals.h"
#include "models/routing/rum_page_view.h"

namespace cdnlab {

struct RumWorkloadConfig {
  double page_views_per_group_per_min = 2;
  SimTime start_at{0};
  SimTime stop_at = std::chrono::seconds(300);  // no page view starts after this
  RumPageViewConfig page;
};

// Binds every group's beacon socket on Start. Counts page views and test fetches when they
// start, bytes (test objects received + beacons sent; payload bytes, no headers) when a page
// view finishes, and emits them as rum.test_fetches / rum.bytes counters (label group).
class RumWorkload {
 public:
  RumWorkload(const RoutingCatalog& catalog, NameResolver& resolver, ObjectFetcher& fetcher,
              DatagramTransport& transport, CandidateChooser& chooser, Clock& clock, TimerScheduler& timers,
              RandomSource& random, MetricsSink& metrics, RumWorkloadConfig config = {});
  ~RumWorkload();
  void Start();
  void Stop();
  // Pages of a dual-stack group load over IPv6 for the chooser's share of page views (see
  // RumPageView); without it every page loads over IPv4.
  void UseFamilies(FamilyChooser& families) { families_ = &families; }

  std::uint64_t PageViews() const { return page_views_; }
  std::uint64_t TestFetches() const { return test_fetches_; }
  std::uint64_t BytesOnWire() const { return bytes_; }  // test objects + beacons
  std::uint64_t BeaconsSent() const { return beacons_sent_; }

 private:
  void Begin(GroupIndex g);
  void OnPageViewDone(const RumPageViewReport& report);
  std::string NextPageViewId();

  const RoutingCatalog& catalog_;
  NameResolver& resolver_;
  ObjectFetcher& fetcher_;
  DatagramTransport& transport_;
  CandidateChooser& chooser_;
  Clock& clock_;
  RandomSource& random_;
  MetricsSink& metrics_;
  RumWorkloadConfig config_;
  GroupArrivals arrivals_;
  FamilyChooser* families_ = nullptr;
  bool running_ = false;
  // Shared with page views in flight, which may finish after Stop.
  std::shared_ptr<bool> alive_;
  std::uint64_t page_views_ = 0;
  std::uint64_t test_fetches_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t beacons_sent_ = 0;
};

}  // namespace cdnlab
