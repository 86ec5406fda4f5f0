#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "models/core/seeded_random_source.h"
#include "models/federation/command_invocation_system.h"
#include "models/federation/catalog.h"
#include "models/federation/directory.h"
#include "models/federation/identity.h"
#include "models/federation/messenger.h"
#include "models/ports/metrics_sink.h"
#include "realnet/net/asio_clock.h"
#include "realnet/net/asio_datagram_transport.h"
#include "realnet/federation/bearer_token_authority.h"
#include "realnet/federation/http_api.h"
#include "realnet/federation/sqlite_command_journal.h"
#include "realnet/net/unix_time_clock.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

// One platform's gateway as a real process: the models' CommandInvocationSystem on Asio
// (signed UDP datagrams to its servers and to the other gateways), its commands journaled
// in SQLite, and the RFC 8007 HTTP API in front, all on one io_context thread. The process
// holds only its own platform's private key. Times are Unix-based (UnixTimeClock), so
// records read back from the journal after a restart keep their meaning.
class FederationGatewayService {
 public:
  using Log = std::function<void(const std::string& line)>;

  // Throws std::invalid_argument for a scenario without this platform or its addresses, and
  // std::runtime_error when the journal cannot be opened.
  FederationGatewayService(const Scenario& scenario, const std::string& platform, const std::string& journal_path,
                           boost::asio::io_context& io, Log log, MetricsSink& metrics,
                           FederationHttpLimits http_limits = {});
  ~FederationGatewayService();

  // HTTPS, or plain HTTP when explicitly allowed (before Start; see FederationHttpApi).
  void SetHttpTransport(const FederationHttpTransport& transport) { http_->SetTransport(transport); }
  // Resumes the journal's pending commands, then listens (UDP, then HTTP). Throws
  // std::runtime_error when an address is in use or the journal is unreadable.
  void Start();
  void Stop();

  std::uint16_t HttpPort() const { return http_->Port(); }
  std::string HttpBaseUrl() const { return http_->BaseUrl(); }
  const CommandInvocationSystem& Gateway() const { return *cis_; }
  const FederationHttpApi& Http() const { return *http_; }

 private:
  void OnStatusChange(const CommandRecord& record);

  std::string platform_;
  Log log_;
  FederationCatalog catalog_;
  FederationIdentity identity_;
  FederationDirectory directory_;
  AsioClock asio_clock_;
  UnixTimeClock clock_;
  AsioDatagramTransport transport_;
  MetricsSink& metrics_;
  SeededRandomSource random_;
  FederationMessenger messenger_;
  SqliteCommandJournal journal_;
  std::unique_ptr<CommandInvocationSystem> cis_;
  BearerTokenAuthority tokens_;
  std::unique_ptr<FederationHttpApi> http_;
  std::map<std::string, TriggerStatus> last_status_;  // for one log line per status change
  bool starting_ = false;
  bool started_ = false;
};

}  // namespace cdnlab
