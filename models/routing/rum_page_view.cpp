#include "models/routing/rum_page_view.h"

#include <stdexcept>

#include "models/routing/beacon_codec.h"

namespace cdnlab {

RumPageView::RumPageView(const RoutingCatalog& catalog, NameResolver& resolver, ObjectFetcher& fetcher,
                         DatagramTransport& transport, Clock& clock, GroupIndex group,
                         std::vector<PopIndex> candidates, std::string page_view_id, RumPageViewConfig config, IpFamily family)
    : catalog_(catalog),
      resolver_(resolver),
      fetcher_(fetcher),
      transport_(transport),
      clock_(clock),
      config_(std::move(config)),
      family_(family),
      candidates_(std::move(candidates)) {
  if (group >= catalog_.groups.size()) throw std::invalid_argument("RumPageView: no client group " + std::to_string(group));
  for (PopIndex p : candidates_) {
    if (p >= catalog_.pops.size() || catalog_.pops[p].servers.empty()) {
      throw std::invalid_argument("RumPageView: candidate PoP " + std::to_string(p) + " has no server to test");
    }
  }
  report_.group = group;
  report_.beacon.page_view_id = std::move(page_view_id);
}

void RumPageView::Start(Done done) {
  done_ = std::move(done);
  parts_left_ = 2;  // the page's content and the tool
  auto self = shared_from_this();
  const bool v6 = family_ == IpFamily::kV6;
  const IpAddress client = FamilyChooser::ClientAddress(catalog_.groups[report_.group], family_);
  resolver_.Resolve(client, config_.hostname, [self, client, v6](const ResolveResult& r) {
    if (r.timed_out || r.rcode != DnsRcode::kNoError || (v6 ? r.addresses6.empty() : r.addresses.empty())) {
      self->PartDone();
      return;
    }
    const IpAddress server = v6 ? IpAddress(r.addresses6.front()) : IpAddress(r.addresses.front());
    self->fetcher_.Fetch(client, Endpoint{server, self->config_.server_port}, self->config_.page_bytes,
                         [self](const FetchResult&) { self->PartDone(); });
  });
  TestCandidates();
}

void RumPageView::PartDone() {
  if (--parts_left_ == 0) done_(report_);
}

Ipv4Address RumPageView::TestServer(const PopInfo& pop, GroupIndex group) {
  return pop.servers[group % pop.servers.size()];
}

BeaconTiming RumPageView::TimingOf(const std::string& pop_id, const FetchResult& fetch) {
  BeaconTiming t;
  t.pop = pop_id;
  t.ok = fetch.ok;
  t.bytes = fetch.bytes;
  if (!fetch.ok) return t;  // a failed fetch reports no timings, as Resource Timing gives none
  t.duration_ms = ToMillis(fetch.elapsed);
  t.rtt_ms = fetch.request_to_first_byte ? ToMillis(*fetch.request_to_first_byte) : ToMillis(fetch.elapsed) / 2;
  return t;
}

void RumPageView::TestCandidates() {
  if (candidates_.empty()) {
    PartDone();
    return;
  }
  timings_.resize(candidates_.size());
  outstanding_ = candidates_.size();
  report_.test_fetches = candidates_.size();
  const Ipv4Address client = catalog_.groups[report_.group].representative;
  auto self = shared_from_this();
  // All at once, like a browser's parallel fetches to distinct hosts (the chooser bounds how many).
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    const Endpoint server{TestServer(catalog_.pops[candidates_[i]], report_.group), config_.server_port};
    fetcher_.Fetch(client, server, config_.test_object_bytes,
                   [self, i](const FetchResult& f) { self->OnTestDone(i, f); });
  }
}

void RumPageView::OnTestDone(std::size_t index, const FetchResult& fetch) {
  timings_[index] = TimingOf(catalog_.pops[candidates_[index]].id, fetch);
  report_.test_bytes += fetch.bytes;
  if (--outstanding_ == 0) SendBeacon();
}

void RumPageView::SendBeacon() {
  report_.beacon.page_time_s = ToSeconds(clock_.Now());
  report_.beacon.timings = timings_;
  const std::string body = EncodeBeacon(report_.beacon);
  report_.beacon_bytes = body.size();
  const Ipv4Address client = catalog_.groups[report_.group].representative;
  transport_.Send(Endpoint{client, config_.beacon_port}, config_.collector, Bytes(body.begin(), body.end()));
  PartDone();
}

}  // namespace cdnlab
