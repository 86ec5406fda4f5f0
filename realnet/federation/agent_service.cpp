#include "realnet/federation/agent_service.h"

#include <chrono>
#include <functional>
#include <stdexcept>

#include <unistd.h>

#include <fmt/format.h>

#include "realnet/federation/directory.h"
#include "scenarios/federation/from_scenario.h"

namespace cdnlab {

// The UDP transport, with a hook after each received datagram has been handled: the agent
// has no observer of its own, and a line per applied command is what an operator wants.
class FederationAgentService::LoggingTransport final : public DatagramTransport {
 public:
  LoggingTransport(DatagramTransport& inner, std::function<void()> after_receive)
      : inner_(inner), after_receive_(std::move(after_receive)) {}
  void Bind(const Endpoint& local, ReceiveHandler handler) override {
    inner_.Bind(local, [this, handler = std::move(handler)](const Endpoint& from, const Bytes& payload) {
      handler(from, payload);
      after_receive_();
    });
  }
  void Unbind(const Endpoint& local) override { inner_.Unbind(local); }
  void Send(const Endpoint& from, const Endpoint& to, Bytes payload) override {
    inner_.Send(from, to, std::move(payload));
  }
  void OnError(const Endpoint& local, ErrorHandler handler) override { inner_.OnError(local, std::move(handler)); }

 private:
  DatagramTransport& inner_;
  std::function<void()> after_receive_;
};

namespace {

const FederationServer& ServerOf(const FederationCatalog& catalog, const std::string& server,
                                 const std::string& source) {
  const FederationServer* s = catalog.Server(server);
  if (!s) throw std::invalid_argument(source + ": the federation has no server '" + server + "'");
  return *s;
}

}  // namespace

FederationAgentService::FederationAgentService(const Scenario& scenario, const std::string& server,
                                               const std::string& cache_dir, const std::string& origin_dir,
                                               boost::asio::io_context& io, Log log, MetricsSink& metrics)
    : server_(server),
      log_(std::move(log)),
      catalog_(BuildFederationCatalog(scenario)),
      identity_(BuildFederationIdentity(scenario).OnlyPrivateKeyOf(ServerOf(catalog_, server, scenario.source).platform)),
      directory_(RealnetFederationDirectory(scenario, catalog_)),
      clock_(io),
      udp_(io),
      transport_(std::make_unique<LoggingTransport>(udp_, [this] { LogNewlyApplied(); })),
      random_(std::hash<std::string>{}(server) ^ static_cast<std::uint64_t>(::getpid()),
              static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count())),
      metrics_(metrics),
      messenger_(std::make_unique<FederationMessenger>(*transport_, clock_, clock_, random_, identity_, directory_,
                                                       metrics_)),
      store_(cache_dir, origin_dir) {
  if (!directory_.EndpointOf(server)) {
    throw std::invalid_argument(scenario.source + ": realnet.federation_nodes has no address for server '" + server +
                                "'");
  }
  // The server's node id in the directory is its server id.
  agent_ = std::make_unique<ServerAgent>(server, server, catalog_, *messenger_, store_, clock_, metrics_);
}

FederationAgentService::~FederationAgentService() { Stop(); }

void FederationAgentService::Start() {
  agent_->Start();
  started_ = true;
}

void FederationAgentService::Stop() {
  if (!started_) return;
  started_ = false;
  agent_->Stop();
}

void FederationAgentService::LogNewlyApplied() {
  const auto& applied = agent_->AppliedCommands();
  for (; logged_ < applied.size(); ++logged_) {
    const auto& a = applied[logged_];
    std::string configurations;
    for (const auto& c : a.configurations) configurations += (configurations.empty() ? "" : ", ") + c;
    log_(fmt::format("applied {} from {} to {} ({} objects affected)", a.command_id, a.from_node, configurations,
                     a.objects_affected));
  }
}

}  // namespace cdnlab
