#include "cli/realnet/federation_commands.h"

#include <chrono>
#include <iostream>
#include <map>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "realnet/federation/bearer_token_authority.h"
#include "realnet/net/service_runner.h"
#include "realnet/federation/agent_service.h"
#include "realnet/federation/gateway_service.h"
#include "scenarios/federation/from_scenario.h"
#include "scenarios/core/scenario_error.h"
#include "scenarios/loader/scenario_loader.h"
#include "cli/realnet/observability.h"
#include "cli/realnet/tls_flags.h"
#include "models/federation/trigger_command.h"
#include "realnet/net/http_metrics.h"
#include "cli/user_errors.h"

namespace cdnlab::cli {
namespace {

struct FederationOptions {
  std::string scenario;
  std::string platform;    // federation-gateway
  std::string journal;     // federation-gateway
  std::string server;      // federation-agent
  std::string cache_dir;   // federation-agent
  std::string origin_dir;  // federation-agent
  std::string as;          // federation-token
  long ttl_s = 3600;       // federation-token
  double for_s = 0;        // 0: until SIGINT/SIGTERM
  FederationHttpTransport http;  // federation-gateway: HTTPS, or plain HTTP when allowed
  FederationHttpLimits http_limits;  // federation-gateway: --max-body-bytes
  ObservabilityOptions obs;      // federation-gateway and -agent: --metrics-listen, --log-format
};

// Loads a scenario that must have a federation section.
Scenario LoadFederationScenario(const std::string& file) {
  Scenario s = LoadScenarioFile(file);
  if (!s.federation.present) throw std::invalid_argument(file + ": the scenario has no 'federation' section");
  return s;
}

// Commands by state (every state listed, at 0 too) and the API's requests, at each scrape.
void AddGatewayMetrics(MetricsRegistry& metrics, const FederationGatewayService& gateway) {
  metrics.AddCollector([&gateway](MetricsCollection& out) {
    constexpr TriggerStatus kStates[] = {TriggerStatus::kPending,  TriggerStatus::kActive,     TriggerStatus::kComplete,
                                         TriggerStatus::kProcessed, TriggerStatus::kFailed,     TriggerStatus::kCancelling,
                                         TriggerStatus::kCancelled};
    std::map<TriggerStatus, double> by_state;
    const CommandInvocationSystem& cis = gateway.Gateway();
    for (const auto& id : cis.StatusIds()) {
      if (const CommandRecord* record = cis.Find(id)) by_state[record->status.Status()] += 1;
    }
    for (TriggerStatus state : kStates) {
      out.Gauge("cdnlab_federation_commands", "Trigger commands this gateway knows, by RFC 8007 status",
                by_state[state], {{"state", ToString(state)}});
    }
  });
  AddHttpServerMetrics(
      metrics, "api", [&gateway] { return gateway.Http().RequestsAnswered(); },
      [&gateway] { return gateway.Http().HandshakesFailed(); });
}

void RunGateway(const FederationOptions& o) {
  if (!o.http.tls.Enabled() && !o.http.allow_plain_bearer) {
    throw CLI::ValidationError("--tls-cert", "the RFC 8007 API carries bearer tokens: give --tls-cert and --tls-key "
                                             "(HTTPS), or --allow-plain-bearer for plain HTTP");
  }
  const Scenario s = LoadFederationScenario(o.scenario);
  boost::asio::io_context io;
  const std::string who = "federation-gateway " + o.platform;
  const auto log = LineLogger(who);
  ServiceTelemetry telemetry(io, o.obs, who);
  FederationGatewayService gateway(s, o.platform, o.journal, io, log, telemetry.Metrics(), o.http_limits);
  gateway.SetHttpTransport(o.http);
  AddGatewayMetrics(telemetry.Metrics(), gateway);
  gateway.Start();
  telemetry.Start();
  log(fmt::format("HTTP API on {}/triggers, journal {}", gateway.HttpBaseUrl(), o.journal));
  RunUntilSignalled(
      io, o.for_s,
      [&] {
        telemetry.Stop();
        gateway.Stop();
      },
      who);
  log(fmt::format("stopped with {} commands known", gateway.Gateway().StatusIds().size()));
}

void RunAgent(const FederationOptions& o) {
  const Scenario s = LoadFederationScenario(o.scenario);
  boost::asio::io_context io;
  const std::string who = "federation-agent " + o.server;
  const auto log = LineLogger(who);
  ServiceTelemetry telemetry(io, o.obs, who);
  FederationAgentService agent(s, o.server, o.cache_dir, o.origin_dir, io, log, telemetry.Metrics());
  telemetry.Metrics().AddCollector([&agent](MetricsCollection& out) {
    out.Counter("cdnlab_federation_agent_commands_applied", "Commands this server's agent applied",
                static_cast<double>(agent.Agent().AppliedCommands().size()));
  });
  agent.Start();
  telemetry.Start();
  log(fmt::format("cache {}, origin {}", o.cache_dir, o.origin_dir));
  RunUntilSignalled(
      io, o.for_s,
      [&] {
        telemetry.Stop();
        agent.Stop();
      },
      who);
  log(fmt::format("stopped after {} commands applied", agent.Agent().AppliedCommands().size()));
}

void RunToken(const FederationOptions& o) {
  const Scenario s = LoadFederationScenario(o.scenario);
  const FederationIdentity identity = BuildFederationIdentity(s);
  const BearerTokenAuthority tokens(identity);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  const auto token = tokens.Issue(o.as, now + o.ttl_s);
  if (!token) throw std::invalid_argument("--as: the scenario has no participant '" + o.as + "'");
  std::cout << *token << '\n';
}

// Registers one subcommand; every failure to start is one clear line and exit status 1.
CLI::App* AddJob(CLI::App* parent, const std::string& name, const std::string& help,
                 const std::shared_ptr<FederationOptions>& options, void (*run)(const FederationOptions&)) {
  CLI::App* cmd = parent->add_subcommand(name, help);
  cmd->add_option("scenario", options->scenario, "Scenario YAML with a federation section and a realnet section")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->callback([options, run, name] {
    ExitOnServiceError(name, [&] { run(*options); });
  });
  return cmd;
}

}  // namespace

void AddFederationCommands(CLI::App* realnet) {
  {
    auto o = std::make_shared<FederationOptions>();
    CLI::App* cmd = AddJob(realnet, "federation-gateway",
                           "One platform's command invocation system with its RFC 8007 HTTP API", o, RunGateway);
    cmd->add_option("--platform", o->platform, "Platform id")->required();
    cmd->add_option("--journal", o->journal, "SQLite file keeping its commands across restarts")->required();
    AddTlsServerFlags(cmd, o->http.tls, "the RFC 8007 API (bearer tokens)");
    cmd->add_flag("--allow-plain-bearer", o->http.allow_plain_bearer,
                  "Serve the API over plain HTTP, bearer tokens in clear (loopback tests, behind a TLS proxy)")
        ->excludes("--tls-cert");
    cmd->add_option("--max-body-bytes", o->http_limits.max_body_bytes,
                    "Largest trigger command body accepted; larger ones get 413 (a 100,000-URL purge is ~7 MB)")
        ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 32))
        ->capture_default_str();
    cmd->add_option("--for", o->for_s, "Stop after this many seconds (default: run until SIGINT/SIGTERM)")
        ->check(CLI::NonNegativeNumber);
    AddObservabilityFlags(cmd, o->obs);
  }
  {
    auto o = std::make_shared<FederationOptions>();
    CLI::App* cmd = AddJob(realnet, "federation-agent", "One server's command agent over a cache directory", o,
                           RunAgent);
    cmd->add_option("--server", o->server, "Server id")->required();
    cmd->add_option("--cache-dir", o->cache_dir, "The server's cache: <dir>/<host>/<escaped path>")->required();
    cmd->add_option("--origin-dir", o->origin_dir, "Where prepositioned objects come from (same layout)")
        ->required()
        ->check(CLI::ExistingDirectory);
    cmd->add_option("--for", o->for_s, "Stop after this many seconds (default: run until SIGINT/SIGTERM)")
        ->check(CLI::NonNegativeNumber);
    AddObservabilityFlags(cmd, o->obs);
  }
  {
    auto o = std::make_shared<FederationOptions>();
    CLI::App* cmd = AddJob(realnet, "federation-token",
                           "Print a bearer token for the HTTP API, signed with a participant's key", o, RunToken);
    cmd->add_option("--as", o->as, "Participant id (a content provider or a platform)")->required();
    cmd->add_option("--ttl-s", o->ttl_s, "Seconds until it expires")->check(CLI::PositiveNumber)->capture_default_str();
  }
}

}  // namespace cdnlab::cli
