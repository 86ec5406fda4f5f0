#include "realnet/routing/icmp_echo_agent.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "models/routing/probe_train_tally.h"

namespace cdnlab {
namespace {

constexpr std::uint8_t kEchoRequest = 8;
constexpr std::uint8_t kEchoReply = 0;
constexpr std::size_t kIcmpHeader = 8;
constexpr std::size_t kPayload = 24;  // train id (8), seq (8), send time (8): enough to match any reply
constexpr std::uint8_t kMagic[4] = {'C', 'D', 'N', 'I'};

// RFC 1071 ones'-complement checksum (the kernel fills it in for ping sockets).
std::uint16_t InternetChecksum(const std::uint8_t* data, std::size_t size) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < size; i += 2) sum += static_cast<std::uint32_t>((data[i] << 8) | data[i + 1]);
  if (size % 2 == 1) sum += static_cast<std::uint32_t>(data[size - 1] << 8);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

void Put64(std::uint8_t* out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<std::uint8_t>(v & 0xFF);
}
std::uint64_t Get64(const std::uint8_t* in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in[i];
  return v;
}

sockaddr_in SockAddr(Ipv4Address a) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(a.value);
  return sa;
}

}  // namespace

IcmpEchoAgent::IcmpEchoAgent(boost::asio::io_context& io, PopIndex pop, Ipv4Address local, Clock& clock,
                             TimerScheduler& timers)
    : clock_(clock), socket_(io), identifier_(static_cast<std::uint16_t>(getpid() ^ (local.value & 0xFFFF))),
      pacer_(pop, clock, timers, [this](std::uint64_t train_id, int seq, const ProbeTrainSpec& spec) {
        return SendEcho(train_id, seq, spec);
      }) {
  // A ping socket first (no privileges where ping_group_range allows), then raw (root).
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
  if (fd < 0) {
    fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
    raw_ = true;
  }
  if (fd < 0) {
    throw IcmpNotPermitted(std::string("ICMP echo is not permitted here (no ping socket, not root): ") +
                           std::strerror(errno));
  }
  const sockaddr_in bind_address = SockAddr(local);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&bind_address), sizeof bind_address) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("cannot bind ICMP socket to " + local.ToString() + ": " + why);
  }
  socket_.assign(boost::asio::generic::raw_protocol(AF_INET, IPPROTO_ICMP), fd);
  Receive();
}

IcmpEchoAgent::~IcmpEchoAgent() {
  *alive_ = false;
  pacer_.Abandon();
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void IcmpEchoAgent::RunTrain(const ProbeTrainSpec& spec, Done done) { pacer_.Run(spec, std::move(done)); }

std::size_t IcmpEchoAgent::SendEcho(std::uint64_t train_id, int seq, const ProbeTrainSpec& spec) {
  std::array<std::uint8_t, kIcmpHeader + 4 + kPayload> packet{};
  packet[0] = kEchoRequest;
  packet[4] = static_cast<std::uint8_t>(identifier_ >> 8);
  packet[5] = static_cast<std::uint8_t>(identifier_ & 0xFF);
  packet[6] = static_cast<std::uint8_t>(seq >> 8);
  packet[7] = static_cast<std::uint8_t>(seq & 0xFF);
  std::copy(std::begin(kMagic), std::end(kMagic), packet.begin() + kIcmpHeader);
  Put64(&packet[kIcmpHeader + 4], train_id);
  Put64(&packet[kIcmpHeader + 12], static_cast<std::uint64_t>(seq));
  Put64(&packet[kIcmpHeader + 20], static_cast<std::uint64_t>(clock_.Now().count()));
  const std::uint16_t sum = InternetChecksum(packet.data(), packet.size());
  packet[2] = static_cast<std::uint8_t>(sum >> 8);
  packet[3] = static_cast<std::uint8_t>(sum & 0xFF);
  const sockaddr_in to = SockAddr(spec.target.RequireV4("the ICMP echo agent"));
  boost::system::error_code ec;  // a failed send is a lost probe, as on the wire
  socket_.send_to(boost::asio::buffer(packet), boost::asio::generic::raw_protocol::endpoint(&to, sizeof to), 0, ec);
  return packet.size();
}

void IcmpEchoAgent::Receive() {
  socket_.async_receive_from(boost::asio::buffer(buffer_), sender_,
                             [this, alive = alive_](const boost::system::error_code& ec, std::size_t n) {
                               if (!*alive || ec == boost::asio::error::operation_aborted) return;
                               if (!ec) OnPacket(buffer_.data(), n);
                               Receive();
                             });
}

void IcmpEchoAgent::OnPacket(const std::uint8_t* data, std::size_t size) {
  if (raw_) {  // raw sockets hand us the IP header too
    if (size < 20) return;
    const std::size_t ip_header = static_cast<std::size_t>(data[0] & 0x0F) * 4;
    if (ip_header < 20 || size < ip_header) return;
    data += ip_header;
    size -= ip_header;
  }
  if (size < kIcmpHeader + 4 + kPayload || data[0] != kEchoReply || data[1] != 0) return;
  if (!std::equal(std::begin(kMagic), std::end(kMagic), data + kIcmpHeader)) return;
  const std::uint64_t train_id = Get64(data + kIcmpHeader + 4);
  const std::uint64_t seq = Get64(data + kIcmpHeader + 12);
  const auto sent_at = static_cast<std::int64_t>(Get64(data + kIcmpHeader + 20));
  const auto* from = reinterpret_cast<const sockaddr_in*>(sender_.data());
  pacer_.OnEcho(train_id, seq, Ipv4Address{ntohl(from->sin_addr.s_addr)}, SimTime(sent_at), size);
}

}  // namespace cdnlab
