#include "sim/routing/tcp_object_fetcher.h"

#include <stdexcept>

#include <ns3/packet.h>
#include <ns3/tcp-socket-factory.h>

#include "sim/net/ipv6_segment_size.h"
#include "sim/net/ns3_address.h"
#include "sim/routing/tcp_time_wait.h"

namespace cdnlab {
namespace {

void DetachCallbacks(ns3::Ptr<ns3::Socket> s) {
  s->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
  s->SetConnectCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                        ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
  s->SetCloseCallbacks(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                       ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
}

}  // namespace

TcpObjectFetcher::TcpObjectFetcher(const SimNetwork& network, Clock& clock, TimerScheduler& timers, Duration timeout)
    : network_(network), clock_(clock), timers_(timers), timeout_(timeout) {}

TcpObjectFetcher::~TcpObjectFetcher() {
  for (auto& [id, f] : fetches_) {
    timers_.Cancel(f.timer);
    DetachCallbacks(f.socket);
    f.socket->Close();
  }
}

void TcpObjectFetcher::Fetch(const IpAddress& client, const Endpoint& server, std::uint64_t bytes, Done done) {
  const std::uint64_t id = next_id_++;
  FetchState f;
  f.socket = ns3::Socket::CreateSocket(network_.NodeOf(client), ns3::TcpSocketFactory::GetTypeId());
  ShortenTimeWait(f.socket);
  f.expected = bytes;
  f.started = clock_.Now();
  f.done = std::move(done);
  f.timer = timers_.ScheduleAfter(timeout_, [this, id] { Finish(id, false, "timed out"); });
  if (client.Family() != server.address.Family()) {
    throw std::invalid_argument("TcpObjectFetcher: client " + client.ToString() + " cannot reach " + server.ToString());
  }
  if (client.IsV6()) FitSegmentSizeToIpv6(f.socket);
  f.socket->Bind(SocketAddressOf(Endpoint{client, 0}));
  f.socket->SetConnectCallback(
      ns3::Callback<void, ns3::Ptr<ns3::Socket>>([this, id](ns3::Ptr<ns3::Socket>) { OnConnected(id); }),
      ns3::Callback<void, ns3::Ptr<ns3::Socket>>([this, id](ns3::Ptr<ns3::Socket>) { Finish(id, false, "connection failed"); }));
  f.socket->SetRecvCallback(ns3::Callback<void, ns3::Ptr<ns3::Socket>>([this, id](ns3::Ptr<ns3::Socket>) { OnReadable(id); }));
  f.socket->SetCloseCallbacks(
      ns3::Callback<void, ns3::Ptr<ns3::Socket>>([this, id](ns3::Ptr<ns3::Socket>) {
        OnReadable(id);
        Finish(id, false, "closed by the server");  // no-op when OnReadable completed it
      }),
      ns3::Callback<void, ns3::Ptr<ns3::Socket>>([this, id](ns3::Ptr<ns3::Socket>) { Finish(id, false, "connection reset"); }));
  ns3::Ptr<ns3::Socket> socket = f.socket;
  fetches_.emplace(id, std::move(f));
  socket->Connect(SocketAddressOf(server));
}

void TcpObjectFetcher::OnConnected(std::uint64_t id) {
  auto it = fetches_.find(id);
  if (it == fetches_.end()) return;
  std::uint8_t request[8];
  for (int i = 0; i < 8; ++i) request[i] = static_cast<std::uint8_t>(it->second.expected >> (8 * (7 - i)));
  it->second.socket->Send(ns3::Create<ns3::Packet>(request, 8));
  it->second.request_sent = clock_.Now();
}

void TcpObjectFetcher::OnReadable(std::uint64_t id) {
  auto it = fetches_.find(id);
  if (it == fetches_.end()) return;
  while (ns3::Ptr<ns3::Packet> packet = it->second.socket->Recv()) {
    if (!it->second.first_byte && packet->GetSize() > 0) it->second.first_byte = clock_.Now();
    it->second.received += packet->GetSize();
  }
  if (it->second.received >= it->second.expected) Finish(id, true, "");
}

void TcpObjectFetcher::Finish(std::uint64_t id, bool ok, const std::string& error) {
  auto it = fetches_.find(id);
  if (it == fetches_.end()) return;
  FetchState f = std::move(it->second);
  fetches_.erase(it);
  timers_.Cancel(f.timer);
  DetachCallbacks(f.socket);
  f.socket->Close();
  FetchResult result;
  result.ok = ok;
  result.bytes = f.received;
  result.elapsed = clock_.Now() - f.started;
  if (f.request_sent && f.first_byte) result.request_to_first_byte = *f.first_byte - *f.request_sent;
  result.error = ok ? "" : error + " after " + std::to_string(f.received) + " of " + std::to_string(f.expected) + " bytes";
  f.done(result);
}

}  // namespace cdnlab
