#pragma once
#include <map>
#include <optional>

#include <ns3/socket.h>

#include "models/ports/clock.h"
#include "models/ports/object_fetcher.h"
#include "models/ports/timer_scheduler.h"
#include "sim/net/network.h"

namespace cdnlab {

// ObjectFetcher over ns-3 TCP from the client's host to the answered server (see
// ObjectServer for the tiny request format). Elapsed time runs from the connect call to the
// last byte, time to first byte from the request's send to the first byte received; a refused/reset connection or `timeout` without the whole object is a failure.
class TcpObjectFetcher final : public ObjectFetcher {
 public:
  TcpObjectFetcher(const SimNetwork& network, Clock& clock, TimerScheduler& timers,
                   Duration timeout = std::chrono::seconds(30));
  ~TcpObjectFetcher() override;
  void Fetch(const IpAddress& client, const Endpoint& server, std::uint64_t bytes, Done done) override;
  std::size_t InFlight() const { return fetches_.size(); }

 private:
  struct FetchState {
    ns3::Ptr<ns3::Socket> socket;
    std::uint64_t expected = 0;
    std::uint64_t received = 0;
    SimTime started{0};
    std::optional<SimTime> request_sent;
    std::optional<SimTime> first_byte;
    Done done;
    TimerId timer = 0;
  };
  void OnConnected(std::uint64_t id);
  void OnReadable(std::uint64_t id);
  void Finish(std::uint64_t id, bool ok, const std::string& error);

  const SimNetwork& network_;
  Clock& clock_;
  TimerScheduler& timers_;
  Duration timeout_;
  std::map<std::uint64_t, FetchState> fetches_;
  std::uint64_t next_id_ = 1;
};

}  // namespace cdnlab
