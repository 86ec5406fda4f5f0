#pragma once
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "models/core/seeded_random_source.h"
#include "models/federation/catalog.h"
#include "models/federation/directory.h"
#include "models/federation/identity.h"
#include "models/federation/messenger.h"
#include "models/federation/server_agent.h"
#include "models/ports/metrics_sink.h"
#include "realnet/net/asio_clock.h"
#include "realnet/net/asio_datagram_transport.h"
#include "realnet/federation/directory_content_store.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

// One server's command agent as a real process: the models' ServerAgent over a cache
// directory (DirectoryContentStore), answering its platform's gateway by signed UDP
// datagrams. It holds only its platform's private key (a server speaks for its platform).
class FederationAgentService {
 public:
  using Log = std::function<void(const std::string& line)>;

  // Throws std::invalid_argument for a server the scenario does not have or does not place,
  // std::runtime_error for an unusable cache or origin directory.
  FederationAgentService(const Scenario& scenario, const std::string& server, const std::string& cache_dir,
                         const std::string& origin_dir, boost::asio::io_context& io, Log log, MetricsSink& metrics);
  ~FederationAgentService();

  void Start();  // throws std::runtime_error when the address is in use
  void Stop();
  const ServerAgent& Agent() const { return *agent_; }

 private:
  class LoggingTransport;
  void LogNewlyApplied();

  std::string server_;
  Log log_;
  FederationCatalog catalog_;
  FederationIdentity identity_;
  FederationDirectory directory_;
  AsioClock clock_;
  AsioDatagramTransport udp_;
  std::unique_ptr<LoggingTransport> transport_;
  SeededRandomSource random_;  // the reliable channel's message ids and incarnation: fresh per start
  MetricsSink& metrics_;
  std::unique_ptr<FederationMessenger> messenger_;
  DirectoryContentStore store_;
  std::unique_ptr<ServerAgent> agent_;
  std::size_t logged_ = 0;
  bool started_ = false;
};

}  // namespace cdnlab
