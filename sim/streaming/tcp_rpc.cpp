#include "sim/streaming/tcp_rpc.h"

#include <algorithm>
#include <array>
#include <deque>
#include <stdexcept>

#include <ns3/inet-socket-address.h>
#include <ns3/packet.h>
#include <ns3/simulator.h>
#include <ns3/tcp-header.h>
#include <ns3/tcp-socket-base.h>
#include <ns3/tcp-socket-factory.h>
#include <ns3/uinteger.h>

#include "sim/net/ns3_address.h"

namespace cdnlab {

// --- one TCP connection carrying frames: 16-byte header (body length, magic) + body ---

class FramedConnection : public std::enable_shared_from_this<FramedConnection> {
 public:
  using OnFrame = std::function<void(std::uint64_t body_bytes)>;
  using OnClosed = std::function<void()>;
  static constexpr std::size_t kHeader = 16;

  explicit FramedConnection(ns3::Ptr<ns3::Socket> socket) : socket_(socket) {}
  ~FramedConnection() { Close(); }

  // Installs the socket's receive, send and close callbacks.
  void Attach(OnFrame on_frame, OnClosed on_closed) {
    on_frame_ = std::move(on_frame);
    on_closed_ = std::move(on_closed);
    std::weak_ptr<FramedConnection> weak = shared_from_this();
    socket_->SetRecvCallback(ns3::Callback<void, ns3::Ptr<ns3::Socket>>([weak](ns3::Ptr<ns3::Socket>) {
      if (auto self = weak.lock()) self->OnReadable();
    }));
    socket_->SetSendCallback(
        ns3::Callback<void, ns3::Ptr<ns3::Socket>, std::uint32_t>([weak](ns3::Ptr<ns3::Socket>, std::uint32_t) {
          if (auto self = weak.lock()) self->Pump();
        }));
    auto closed = [weak](ns3::Ptr<ns3::Socket>) {
      if (auto self = weak.lock()) {
        self->OnReadable();  // whatever arrived before the close
        self->PeerClosed();
      }
    };
    socket_->SetCloseCallbacks(ns3::Callback<void, ns3::Ptr<ns3::Socket>>(closed),
                               ns3::Callback<void, ns3::Ptr<ns3::Socket>>(closed));
    // A reset (the peer's port is closed: its process crashed or never listened) ends the
    // connection at once, as a real kernel's ECONNREFUSED/ECONNRESET does. ns-3 3.37 ignores
    // an RST answering a SYN, so the segment is watched here; handled after ns-3 is done with it.
    socket_->TraceConnectWithoutContext(
        "Rx", ns3::Callback<void, ns3::Ptr<const ns3::Packet>, const ns3::TcpHeader&, ns3::Ptr<const ns3::TcpSocketBase>>(
                  [weak](ns3::Ptr<const ns3::Packet>, const ns3::TcpHeader& header, ns3::Ptr<const ns3::TcpSocketBase>) {
                    if (!(header.GetFlags() & ns3::TcpHeader::RST)) return;
                    ns3::Simulator::ScheduleNow([weak] {
                      if (auto self = weak.lock()) self->PeerClosed();
                    });
                  }));
  }

  void SendFrame(std::uint64_t body_bytes) {
    if (closed_) return;
    Out out;
    for (int i = 0; i < 8; ++i) out.header[i] = static_cast<std::uint8_t>(body_bytes >> (8 * (7 - i)));
    std::copy(kMagic, kMagic + 8, out.header.begin() + 8);
    out.body_left = body_bytes;
    out_.push_back(out);
    Pump();
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    socket_->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    socket_->SetSendCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, std::uint32_t>());
    socket_->SetCloseCallbacks(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                               ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    socket_->SetConnectCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                                ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    socket_->Close();
    out_.clear();
  }

  bool Closed() const { return closed_; }
  ns3::Ptr<ns3::Socket> Socket() const { return socket_; }

 private:
  static constexpr std::uint8_t kMagic[8] = {'C', 'D', 'N', 'L', 'R', 'P', 'C', '1'};
  struct Out {
    std::array<std::uint8_t, kHeader> header{};
    std::size_t header_sent = 0;
    std::uint64_t body_left = 0;
  };

  void Pump() {
    while (!closed_ && !out_.empty()) {
      Out& o = out_.front();
      const std::uint32_t room = socket_->GetTxAvailable();
      if (room == 0) return;  // the send callback calls again when the buffer drains
      if (o.header_sent < kHeader) {
        const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(room, kHeader - o.header_sent));
        const int sent = socket_->Send(o.header.data() + o.header_sent, n, 0);
        if (sent <= 0) return;
        o.header_sent += static_cast<std::size_t>(sent);
        continue;
      }
      if (o.body_left > 0) {
        const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>({room, o.body_left, 1u << 20}));
        const int sent = socket_->Send(ns3::Create<ns3::Packet>(n));
        if (sent <= 0) return;
        o.body_left -= static_cast<std::uint64_t>(sent);
        continue;
      }
      out_.pop_front();
    }
  }

  void OnReadable() {
    auto self = shared_from_this();  // a frame handler may drop the last other reference
    while (!closed_) {
      ns3::Ptr<ns3::Packet> packet = socket_->Recv();
      // ns-3 answers an empty packet (not null) once the peer's FIN has been read.
      if (!packet || packet->GetSize() == 0) return;
      const std::uint32_t size = packet->GetSize();
      std::uint32_t offset = 0;
      while (offset < size && !closed_) {
        if (!in_body_) {
          const auto take = static_cast<std::uint32_t>(std::min<std::size_t>(kHeader - in_got_, size - offset));
          packet->CreateFragment(offset, take)->CopyData(in_header_.data() + in_got_, take);
          in_got_ += take;
          offset += take;
          if (in_got_ < kHeader) continue;
          in_got_ = 0;
          if (!std::equal(kMagic, kMagic + 8, in_header_.begin() + 8)) {
            Close();  // not our protocol: nothing sensible to do with the rest
            if (on_closed_) on_closed_();
            return;
          }
          in_left_ = 0;
          for (int i = 0; i < 8; ++i) in_left_ = (in_left_ << 8) | in_header_[i];
          in_frame_ = in_left_;
          in_body_ = true;
        }
        const auto take = static_cast<std::uint32_t>(std::min<std::uint64_t>(in_left_, size - offset));
        in_left_ -= take;
        offset += take;
        if (in_left_ == 0) {
          in_body_ = false;
          if (on_frame_) on_frame_(in_frame_);
        }
      }
    }
  }

  void PeerClosed() {
    if (closed_) return;
    Close();
    if (on_closed_) on_closed_();
  }

  ns3::Ptr<ns3::Socket> socket_;
  OnFrame on_frame_;
  OnClosed on_closed_;
  std::deque<Out> out_;
  std::array<std::uint8_t, kHeader> in_header_{};
  std::size_t in_got_ = 0;
  bool in_body_ = false;
  std::uint64_t in_left_ = 0;
  std::uint64_t in_frame_ = 0;
  bool closed_ = false;
};

// --- fabric ---

std::any StreamingRpcFabric::Channel::PopRequest() {
  if (request_head >= requests.size()) throw std::logic_error("rpc: a request frame arrived without its meaning");
  std::any out = std::move(requests[request_head++]);
  if (request_head == requests.size()) {
    requests.clear();
    request_head = 0;
  }
  return out;
}

std::any StreamingRpcFabric::Channel::PopResponse() {
  if (response_head >= responses.size()) throw std::logic_error("rpc: a response frame arrived without its meaning");
  std::any out = std::move(responses[response_head++]);
  if (response_head == responses.size()) {
    responses.clear();
    response_head = 0;
  }
  return out;
}

void StreamingRpcFabric::ApplySettings(ns3::Ptr<ns3::Socket> socket) const {
  socket->SetAttribute("SegmentSize", ns3::UintegerValue(settings_.segment_size));
  socket->SetAttribute("SndBufSize", ns3::UintegerValue(settings_.buffer_bytes));
  socket->SetAttribute("RcvBufSize", ns3::UintegerValue(settings_.buffer_bytes));
  socket->SetAttribute("InitialCwnd", ns3::UintegerValue(settings_.initial_cwnd));
}

std::shared_ptr<StreamingRpcFabric::Channel> StreamingRpcFabric::Open(const Endpoint& client) {
  auto channel = std::make_shared<Channel>();
  channels_[client] = channel;
  return channel;
}

std::shared_ptr<StreamingRpcFabric::Channel> StreamingRpcFabric::Find(const Endpoint& client) const {
  auto it = channels_.find(client);
  return it == channels_.end() ? nullptr : it->second;
}

void StreamingRpcFabric::Close(const Endpoint& client) { channels_.erase(client); }

// --- server ---

struct StreamingRpcServer::Accepted {
  std::shared_ptr<FramedConnection> connection;
  std::shared_ptr<StreamingRpcFabric::Channel> channel;
};

StreamingRpcServer::StreamingRpcServer(StreamingRpcFabric& fabric, ns3::Ptr<ns3::Node> node, std::uint16_t port,
                                       Handler handler)
    : fabric_(fabric), node_(node), port_(port), handler_(std::move(handler)) {}

StreamingRpcServer::~StreamingRpcServer() { Stop(); }

void StreamingRpcServer::Start() {
  if (listener_) return;
  listener_ = ns3::Socket::CreateSocket(node_, ns3::TcpSocketFactory::GetTypeId());
  fabric_.ApplySettings(listener_);  // accepted sockets are forked from the listener
  if (listener_->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), port_)) != 0) {
    throw std::runtime_error("cannot bind simulated TCP port " + std::to_string(port_));
  }
  listener_->Listen();
  listener_->SetAcceptCallback(
      ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
      ns3::Callback<void, ns3::Ptr<ns3::Socket>, const ns3::Address&>(
          [this](ns3::Ptr<ns3::Socket> s, const ns3::Address& from) { OnAccept(s, from); }));
}

void StreamingRpcServer::Stop() {
  auto connections = std::move(connections_);
  connections_.clear();
  for (auto& [id, c] : connections) c->connection->Close();
  if (listener_) {
    listener_->SetAcceptCallback(ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
                                 ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, const ns3::Address&>());
    listener_->Close();
    listener_ = nullptr;
  }
}

void StreamingRpcServer::OnAccept(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from) {
  const auto inet = ns3::InetSocketAddress::ConvertFrom(from);
  const Endpoint client{Ipv4Address{inet.GetIpv4().Get()}, inet.GetPort()};
  auto accepted = std::make_shared<Accepted>();
  accepted->connection = std::make_shared<FramedConnection>(socket);
  accepted->channel = fabric_.Find(client);
  const std::uint64_t id = next_id_++;
  if (!accepted->channel) {
    accepted->connection->Close();  // not one of the fabric's clients
    return;
  }
  connections_[id] = accepted;
  std::weak_ptr<Accepted> weak = accepted;
  accepted->connection->Attach(
      [this, id, weak](std::uint64_t bytes) {
        auto a = weak.lock();
        if (!a) return;
        RpcMessage request{bytes, a->channel->PopRequest()};
        handler_(request, [this, id, weak](RpcMessage response) {
          auto c = weak.lock();
          if (!c || c->connection->Closed()) return;  // the client gave up, or we stopped
          c->channel->responses.push_back(std::move(response.payload));
          c->connection->SendFrame(response.bytes);
          ++served_;
        });
      },
      [this, id] { connections_.erase(id); });
}

// --- client ---

struct StreamingRpcClient::Pooled {
  std::uint64_t id = 0;
  Endpoint server;
  Endpoint local;
  std::shared_ptr<FramedConnection> connection;
  std::shared_ptr<StreamingRpcFabric::Channel> channel;
  bool connected = false;
  bool busy = false;
  RpcMessage request;
  Done done;
  TimerId timer = 0;
};

StreamingRpcClient::StreamingRpcClient(StreamingRpcFabric& fabric, ns3::Ptr<ns3::Node> node, Ipv4Address local,
                                       TimerScheduler& timers)
    : fabric_(fabric), node_(node), local_(local), timers_(timers) {}

StreamingRpcClient::~StreamingRpcClient() {
  for (auto& [id, c] : connections_) {
    timers_.Cancel(c->timer);
    c->connection->Close();
    fabric_.Close(c->local);
  }
}

void StreamingRpcClient::Call(const Endpoint& server, RpcMessage request, Duration timeout, Done done) {
  std::shared_ptr<Pooled> c;
  for (auto& [id, candidate] : connections_) {  // lowest id first: deterministic reuse
    if (!candidate->busy && candidate->connected && candidate->server == server) {
      c = candidate;
      break;
    }
  }
  if (!c) {
    c = std::make_shared<Pooled>();
    c->id = next_id_++;
    c->server = server;
    ns3::Ptr<ns3::Socket> socket = ns3::Socket::CreateSocket(node_, ns3::TcpSocketFactory::GetTypeId());
    fabric_.ApplySettings(socket);
    socket->Bind(ns3::InetSocketAddress(ns3::Ipv4Address(local_.value), 0));
    ns3::Address name;
    socket->GetSockName(name);
    const auto inet = ns3::InetSocketAddress::ConvertFrom(name);
    c->local = Endpoint{local_, inet.GetPort()};
    c->channel = fabric_.Open(c->local);
    c->connection = std::make_shared<FramedConnection>(socket);
    const std::uint64_t id = c->id;
    c->connection->Attach(
        [this, id](std::uint64_t bytes) {
          auto it = connections_.find(id);
          if (it == connections_.end() || !it->second->busy) return;
          Finish(id, RpcMessage{bytes, it->second->channel->PopResponse()});
        },
        [this, id] { Finish(id, std::nullopt); });
    socket->SetConnectCallback(ns3::Callback<void, ns3::Ptr<ns3::Socket>>([this, id](ns3::Ptr<ns3::Socket>) {
                                 auto it = connections_.find(id);
                                 if (it == connections_.end()) return;
                                 it->second->connected = true;
                                 if (it->second->busy) Dispatch(it->second);
                               }),
                               ns3::Callback<void, ns3::Ptr<ns3::Socket>>(
                                   [this, id](ns3::Ptr<ns3::Socket>) { Finish(id, std::nullopt); }));
    connections_[id] = c;
    ++opened_;
    socket->Connect(SocketAddressOf(server));
  }
  c->busy = true;
  c->request = std::move(request);
  c->done = std::move(done);
  const std::uint64_t id = c->id;
  c->timer = timers_.ScheduleAfter(timeout, [this, id] {
    auto it = connections_.find(id);
    if (it != connections_.end()) it->second->timer = 0;
    Finish(id, std::nullopt);
  });
  if (c->connected) Dispatch(c);
}

void StreamingRpcClient::Dispatch(const std::shared_ptr<Pooled>& c) {
  c->channel->requests.push_back(c->request.payload);
  c->connection->SendFrame(c->request.bytes);
}

void StreamingRpcClient::Finish(std::uint64_t id, std::optional<RpcMessage> response) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  std::shared_ptr<Pooled> c = it->second;
  if (!c->busy) {
    if (!response) Drop(id);  // an idle connection closed by the server
    return;
  }
  timers_.Cancel(c->timer);
  c->timer = 0;
  c->busy = false;
  Done done = std::move(c->done);
  c->done = nullptr;
  c->request = RpcMessage{};
  if (!response) Drop(id);
  fabric_.CountExchange();
  // `done` may destroy this client (a player that leaves): nothing of it is touched afterwards.
  done(std::move(response));
}

void StreamingRpcClient::Drop(std::uint64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  std::shared_ptr<Pooled> c = it->second;
  connections_.erase(it);
  timers_.Cancel(c->timer);
  c->connection->Close();
  fabric_.Close(c->local);
}

}  // namespace cdnlab
