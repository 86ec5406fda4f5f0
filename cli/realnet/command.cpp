#include "cli/realnet/command.h"

#include <fstream>
#include <functional>
#include <iostream>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <fmt/format.h>

#include "models/routing/probe_responder.h"
#include "cli/realnet/controller_rum.h"
#include "cli/realnet/federation_commands.h"
#include "cli/realnet/streaming_commands.h"
#include "cli/realnet/rum_commands.h"
#include "realnet/dns/knot_geoip_writer.h"
#include "realnet/dns/update_publisher.h"
#include "realnet/routing/probe_agent_service.h"
#include "realnet/routing/catalog.h"
#include "realnet/dns/authoritative_server.h"
#include "realnet/routing/controller_service.h"
#include "realnet/routing/controller_state_file.h"
#include "realnet/routing/pop_keys.h"
#include "scenarios/loader/scenario_loader.h"
#include "realnet/net/asio_clock.h"
#include "realnet/net/asio_datagram_transport.h"
#include "realnet/net/service_runner.h"
#include "realnet/dns/snapshot_follower.h"
#include "realnet/dns/snapshot_publisher.h"
#include "realnet/dns/static_mapping_config.h"
#include "models/federation/identity.h"
#include "scenarios/core/ipv4_text.h"
#include "scenarios/core/scenario_error.h"
#include "cli/realnet/tls_flags.h"
#include "cli/realnet/observability.h"
#include "cli/user_errors.h"
#include "realnet/dns/mapping_change_clock.h"
#include "realnet/dns/server_metrics.h"
#include "realnet/net/http_metrics.h"

namespace cdnlab::cli {
namespace {

struct DnsOptions {
  std::string config;
  std::vector<std::string> listen{"127.0.0.1:5300"};
  int udp_threads = 0;
  std::string follow;              // IPV4:PORT of a controller's snapshot publisher
  std::string snapshot_public_key; // hex Ed25519 public key of its signer
  std::string state_dir;           // where the last good snapshot is kept
  TlsClientConfig tls;             // HTTPS (and a client certificate) toward --follow
  ObservabilityOptions obs;        // --metrics-listen, --log-format
};

struct ServiceOptions {
  std::string scenario;
  std::string name;      // PoP id, group id or policy name, depending on the command
  double for_s = 0;      // 0: until SIGINT/SIGTERM
  std::string state_out;  // controller only: where to write its final state (JSON)
  std::string rfc2136;    // controller only: SERVER:PORT of a primary to update (RFC 2136)
  std::string tsig;       // controller only: NAME:BASE64SECRET for those updates (hmac-sha256)
  std::string knot_geoip_config;  // controller only: Knot's mod-geoip config file to write
  std::string knotc_socket;       // controller only: Knot's control socket, for the reloads
  std::string method = "udp";  // probe-agent only: udp or icmp
  std::string publish_snapshots;  // controller only: IPV4:PORT to serve signed mapping snapshots on
  std::string snapshot_secret_file;  // controller only: the secret the snapshots' Ed25519 key derives from
  std::string pop_keys;               // controller only: PoP id -> public key file (pop_keys.h)
  bool accept_unsigned_reports = false;  // controller only: take unsigned reports from PoPs without a key
  double report_max_skew_s = 30;      // controller only: allowed |now - sent_at| of a report
  std::string key_file;               // probe-agent only: the PoP's secret key file
  bool unsigned_reports = false;      // probe-agent only: send reports unsigned (no --key-file)
  TlsServerConfig tls;               // controller only: HTTPS (mutual with a client CA) for --publish-snapshots
  std::string state_dir;              // controller only: where the mapping and measurements are kept
  double state_save_every_s = 10;     // controller only: how often the measurements are saved
  bool discard_bad_state = false;     // controller only: set an unusable state file aside and start cold
  double drain_timeout_s = 10;        // after SIGTERM: the longest wait for work in flight
  ObservabilityOptions obs;          // --metrics-listen, --log-format
  ControllerRumOptions rum;          // controller only: the hosted RUM collector (--rum-listen)
  bool plain_http = false;           // controller only: --publish-snapshots in clear, asked for
};

// The secret in a file (whitespace around it ignored): what a snapshot signing key derives from.
std::string ReadSecretFile(const std::string& path, const std::string& flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CLI::ValidationError(flag, "cannot read " + path);
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto first = secret.find_first_not_of(" \t\r\n");
  const auto last = secret.find_last_not_of(" \t\r\n");
  secret = first == std::string::npos ? "" : secret.substr(first, last - first + 1);
  if (secret.size() < 16) throw CLI::ValidationError(flag, path + ": the secret must be at least 16 bytes");
  return secret;
}

constexpr const char* kSnapshotSigner = "controller";

// How the controller authenticates probe reports: the PoPs' public keys, or the explicit
// --accept-unsigned-reports (never silently).
ProbeReportVerifierConfig ReportChecks(const ServiceOptions& o, const Scenario& s) {
  if (o.pop_keys.empty() && !o.accept_unsigned_reports) {
    throw CLI::ValidationError("--pop-keys", "needed: probe reports are signed (or run with --accept-unsigned-reports)");
  }
  ProbeReportVerifierConfig checks;
  if (!o.pop_keys.empty()) {
    try {
      checks.pop_keys = ReadPopPublicKeysFile(o.pop_keys, RealnetCatalog(s));
    } catch (const std::runtime_error& e) {
      throw CLI::ValidationError("--pop-keys", e.what());
    }
  }
  checks.accept_unsigned = o.accept_unsigned_reports;
  checks.max_skew_ms = static_cast<std::int64_t>(o.report_max_skew_s * 1000);
  return checks;
}

// --state-dir: restore what the last run kept, or (with --discard-bad-state) set an unusable
// file aside and start cold; without that flag an unusable file stops the start, naming it.
void KeepControllerState(RoutingControllerService& controller, const ServiceOptions& o, const Scenario& s,
                         const std::function<void(const std::string&)>& log) {
  const Duration every = FromSeconds(o.state_save_every_s);
  auto file = std::make_unique<ControllerStateFile>(o.state_dir, RealnetCatalog(s), s.dns.zone);
  try {
    controller.KeepStateIn(std::move(file), every, log);
  } catch (const ControllerStateError& e) {
    if (!o.discard_bad_state) {
      throw CLI::ValidationError("--state-dir", std::string(e.what()) +
                                                    " (fix or remove it, or start with --discard-bad-state)");
    }
    file = std::make_unique<ControllerStateFile>(o.state_dir, RealnetCatalog(s), s.dns.zone);
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    log(fmt::format("{}; --discard-bad-state: moved to {}, starting cold", e.what(), file->SetAside(now_ms)));
    controller.KeepStateIn(std::move(file), every, log);
  }
}

// SIGHUP: the scenario (PoPs and groups added or removed, servers, TTL, policy settings) and
// the --pop-keys file. Both files are read and checked before anything changes; a bad one
// changes nothing. The hosted RUM collector follows the controller's new store.
std::string ReloadController(RoutingControllerService& controller, RumCollectorService* rum, const ServiceOptions& o,
                             const std::function<void(const std::string&)>& log) {
  const Scenario s = LoadScenarioFile(o.scenario);  // throws FILE:LINE: ... on a bad file
  const PolicySpec* policy = nullptr;
  for (const auto& p : s.policies) {
    if (p.name == o.name) policy = &p;
  }
  if (policy == nullptr) return o.scenario + ": the scenario no longer lists policy '" + o.name + "'";
  if (rum != nullptr && !policy->UsesRum()) return o.scenario + ": policy '" + o.name + "' no longer takes beacons";
  const RoutingCatalog catalog = RealnetCatalog(s);
  std::optional<FederationIdentity> keys;
  if (!o.pop_keys.empty()) keys = ReadPopPublicKeysFile(o.pop_keys, catalog);  // throws FILE:LINE: ...
  const auto before = controller.Table().Version();
  if (std::string why = controller.Reload(s, *policy, keys); !why.empty()) {
    return (o.pop_keys.empty() ? o.scenario : o.scenario + " and " + o.pop_keys) + ": " + why;
  }
  if (rum != nullptr) rum->Rebind(s, *policy, RumMeasurements{controller.Store(), controller.Table()});
  log(fmt::format("reloaded {}{}: {} PoPs, {} client groups, answer TTL {} s; mapping version {} -> {}", o.scenario,
                  o.pop_keys.empty() ? "" : " and " + o.pop_keys, catalog.pops.size(), catalog.groups.size(), s.dns.ttl_s,
                  before, controller.Table().Version()));
  return "";
}

// The controller's metrics beyond the models' own: its DNS server, its mapping, the reports it
// took or refused (every reason present from the start, at 0) and its snapshot distribution.
void AddControllerMetrics(MetricsRegistry& metrics, const RoutingControllerService& controller,
                          const MappingChangeClock& changed, const SnapshotPublisher* snapshots) {
  AddDnsServerMetrics(metrics, controller.Dns());
  AddMappingMetrics(
      metrics, [&controller] { return controller.Table().Version(); }, [&changed] { return changed.ChangedAt(); });
  for (ReportRefusal why : kReportRefusals) metrics.Count("controller.reports_rejected", 0, {{"reason", ReportRefusalName(why)}});
  if (snapshots) {
    AddHttpServerMetrics(
        metrics, "snapshots", [snapshots] { return snapshots->RequestsServed(); },
        [snapshots] { return snapshots->HandshakesFailed(); });
  }
}

// A DNS server's metrics, and while it follows a controller: its snapshots, and /healthz
// failing until it has a mapping to answer from.
void AddDnsMetrics(ServiceTelemetry& telemetry, const RealDnsServer& server, const SnapshotFollower* follower) {
  const auto started = std::chrono::steady_clock::now();
  AddDnsServerMetrics(telemetry.Metrics(), server);
  AddMappingMetrics(
      telemetry.Metrics(), [&server] { return server.Answerer().Table().Version(); },
      [follower, started] { return follower ? follower->TakenAt() : started; });
  if (!follower) return;
  telemetry.Metrics().AddCollector([follower](MetricsCollection& out) {
    out.Counter("cdnlab_dns_snapshots_taken", "Signed mapping snapshots taken from the controller",
                static_cast<double>(follower->Taken()));
    for (const auto& [reason, count] : follower->Refused()) {
      out.Counter("cdnlab_dns_snapshots_refused", "Mapping snapshots refused, by reason", static_cast<double>(count),
                  {{"reason", reason}});
    }
    out.Counter("cdnlab_dns_snapshot_poll_failures", "Polls of the controller that failed (unreachable, HTTP errors)",
                static_cast<double>(follower->PollFailures()));
  });
  telemetry.Health().AddCheck([follower] {
    return follower->Version() == 0 ? "no mapping yet: waiting for the controller's first snapshot" : "";
  });
}

void RunController(const ServiceOptions& o) {
  const Scenario s = LoadScenarioFile(o.scenario);
  const PolicySpec* policy = nullptr;
  for (const auto& p : s.policies) {
    if (p.name == o.name) policy = &p;
  }
  if (policy == nullptr) throw CLI::ValidationError("--policy", "the scenario lists no policy '" + o.name + "'");
  ProbeReportVerifierConfig report_checks = ReportChecks(o, s);  // before any socket is opened
  boost::asio::io_context io;
  AsioClock clock(io);
  AsioDatagramTransport transport(io);
  ServiceTelemetry telemetry(io, o.obs, "controller");
  MetricsRegistry& metrics = telemetry.Metrics();
  const auto log = LineLogger("controller");
  std::unique_ptr<DnsUpdatePublisher> updates;
  if (!o.rfc2136.empty()) {
    const auto colon = o.tsig.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == o.tsig.size()) {
      throw CLI::ValidationError("--tsig", "expected NAME:BASE64SECRET with --rfc2136");
    }
    DnsUpdateTarget target;
    target.server = ParseEndpointFlag(o.rfc2136, "--rfc2136");
    target.zone = s.dns.zone;
    target.hostname = s.dns.hostname;
    target.key_name = o.tsig.substr(0, colon);
    target.key_secret = o.tsig.substr(colon + 1);
    target.ttl = std::chrono::seconds(static_cast<long>(s.dns.ttl_s));
    updates = std::make_unique<DnsUpdatePublisher>(RealnetCatalog(s), target, metrics);
  }
  std::unique_ptr<SnapshotPublisher> snapshots;
  Endpoint snapshots_at;
  if (!o.publish_snapshots.empty()) {
    RequireTlsOrPlainHttp(o.tls, o.plain_http, "--publish-snapshots");
    if (o.snapshot_secret_file.empty()) {
      throw CLI::ValidationError("--snapshot-secret-file", "needed with --publish-snapshots (snapshots are signed)");
    }
    FederationIdentity identity;
    identity.AddParticipant(kSnapshotSigner, ReadSecretFile(o.snapshot_secret_file, "--snapshot-secret-file"));
    // Followers must answer as the controller's own server does: same zone, TTL and scope rules.
    snapshots_at = ParseEndpointFlag(o.publish_snapshots, "--publish-snapshots");
    snapshots = std::make_unique<SnapshotPublisher>(io, RealnetCatalog(s), ControllerAnswererConfig(s, *policy),
                                                    identity, kSnapshotSigner, snapshots_at);
    if (o.tls.Enabled()) snapshots->EnableTls(o.tls);
    snapshots->Start();
  } else if (o.tls.Enabled()) {
    throw CLI::ValidationError("--tls-cert", "serves --publish-snapshots over HTTPS: give that too");
  }
  std::unique_ptr<KnotGeoipWriter> knot;
  if (o.knot_geoip_config.empty() != o.knotc_socket.empty()) {
    throw CLI::ValidationError("--knot-geoip-config", "goes with --knotc-socket (both or neither)");
  }
  if (!o.knot_geoip_config.empty()) {
    KnotGeoipTarget target;
    target.config_path = o.knot_geoip_config;
    target.knotc_socket = o.knotc_socket;
    target.zone = s.dns.zone;
    target.hostname = s.dns.hostname;
    knot = std::make_unique<KnotGeoipWriter>(RealnetCatalog(s), target, metrics, log);
  }
  // Knot first: it carries the per-subnet answers; the RFC 2136 update only the default row;
  // then the snapshot followers; last, the clock of cdnlab_mapping_age_seconds.
  MappingChangeClock mapping_changed;
  RoutingControllerService controller(s, *policy, io, clock, transport, metrics, std::move(report_checks),
                                      {knot.get(), updates.get(), snapshots.get(), &mapping_changed});
  AddControllerMetrics(metrics, controller, mapping_changed, snapshots.get());
  if (!o.state_dir.empty()) KeepControllerState(controller, o, s, log);
  std::unique_ptr<RumCollectorService> rum = MakeControllerRum(o.rum, s, *policy, io, clock, metrics, controller);
  if (rum) AddHttpServerMetrics(metrics, "collector", rum->Http());
  controller.Start();
  telemetry.Start();
  if (rum) {
    rum->SetLog(log);
    rum->Start();
    log(fmt::format("RUM page and beacons on {}://{}:{}/ (test objects on port {})", rum->Secure() ? "https" : "http",
                    ParseEndpointFlag(o.rum.listen, "--rum-listen").address.ToString(), rum->Port(), o.rum.object_port));
  }
  if (snapshots) {
    log(fmt::format("signed mapping snapshots on {}://{}:{}{}", o.tls.Enabled() ? "https" : "http",
                    snapshots_at.address.ToString(), snapshots->Port(),
                    o.tls.require_client_cert ? " (client certificates required)" : ""));
  }
  log(fmt::format("policy {}, reports on {}, DNS on {}:{}", policy->name,
                  controller.TakesReports() ? s.realnet.controller.ToString() : "none (beacons only)",
                  s.realnet.dns.address.ToString(), controller.DnsPort()));
  ServiceHooks hooks;
  // Draining: the snapshot publisher takes no new followers and answers the held polls, the RUM
  // page finishes its requests in flight; DNS keeps answering until the end of the drain (Knot,
  // too, answers until it stops).
  hooks.drain = [&] {
    if (snapshots) snapshots->Drain();
    if (rum) rum->Drain();
  };
  hooks.drained = [&] { return (!snapshots || snapshots->Drained()) && (!rum || rum->Drained()); };
  hooks.stop = [&] {
    if (!o.state_out.empty()) {
      std::ofstream(o.state_out, std::ios::trunc) << controller.StateJson().dump(2) << '\n';
    }
    telemetry.Stop();
    if (rum) rum->Stop();
    controller.Stop();  // saves the state (with --state-dir)
    if (snapshots) snapshots->Stop();
  };
  hooks.reload = [&] { return ReloadController(controller, rum.get(), o, log); };
  ServiceRunner runner(io, "controller");
  telemetry.DrainWith(runner);
  runner.Run(hooks, RunLimits{o.for_s, o.drain_timeout_s});
  log(fmt::format("{} reports accepted, {} rejected ({}), mapping version {}", controller.ReportsAccepted(),
                  controller.ReportsRejected(), controller.RefusalSummary(), controller.Table().Version()));
  if (updates) {
    log(fmt::format("{} RFC 2136 updates accepted, {} failed{}", updates->UpdatesAccepted(), updates->UpdatesFailed(),
                    updates->LastError().empty() ? "" : " (last: " + updates->LastError() + ")"));
  }
  if (knot) {
    log(fmt::format("Knot geoip: {} reloads confirmed, {} failed, Knot answers mapping version {}{}",
                    knot->ReloadsConfirmed(), knot->ReloadsFailed(), knot->ConfirmedVersion(),
                    knot->LastError().empty() ? "" : " (last: " + knot->LastError() + ")"));
  }
}

void RunProbeAgent(const ServiceOptions& o) {
  const Scenario s = LoadScenarioFile(o.scenario);
  boost::asio::io_context io;
  AsioClock clock(io);
  AsioDatagramTransport transport(io);
  ServiceTelemetry telemetry(io, o.obs, "probe-agent");
  const auto log = LineLogger("probe-agent");
  if (o.key_file.empty() == !o.unsigned_reports) {
    throw CLI::ValidationError("--key-file", "give the PoP's secret key file (`realnet pop-key`), or --unsigned-reports "
                                             "for a controller run with --accept-unsigned-reports (not both)");
  }
  std::optional<std::string> secret;
  if (!o.key_file.empty()) {
    try {
      secret = ReadPopSecretFile(o.key_file);
    } catch (const std::runtime_error& e) {
      throw CLI::ValidationError("--key-file", e.what());
    }
  }
  ProbeAgentService agent(s, o.name, io, clock, transport, telemetry.Metrics(), secret,
                          o.method == "icmp" ? ProbeMethod::kIcmp : ProbeMethod::kUdp);
  if (!agent.FallbackReason().empty()) log(agent.FallbackReason() + "; probing with UDP instead");
  telemetry.Metrics().AddCollector([&agent](MetricsCollection& out) {
    out.Counter("cdnlab_agent_reports_sent", "Probe reports sent to the controller",
                static_cast<double>(agent.ReportsSent()));
  });
  agent.Start();
  telemetry.Start();
  log(fmt::format("PoP {} probing with {}, reporting to {} ({})", o.name,
                  agent.Method() == ProbeMethod::kIcmp ? "ICMP echo" : "UDP", s.realnet.controller.ToString(),
                  secret ? "signed" : "UNSIGNED"));
  RunUntilSignalled(
      io, o.for_s,
      [&] {
        telemetry.Stop();
        agent.Stop();
      },
      "probe-agent");
  log(fmt::format("{} reports sent", agent.ReportsSent()));
}

void RunResponder(const ServiceOptions& o) {
  const Scenario s = LoadScenarioFile(o.scenario);
  std::optional<Ipv4Address> address;
  for (const auto& [id, a] : s.realnet.groups) {
    if (id == o.name) address = a;
  }
  if (!address) throw CLI::ValidationError("--group", "the scenario's realnet section has no group '" + o.name + "'");
  boost::asio::io_context io;
  AsioClock clock(io);
  AsioDatagramTransport transport(io);
  ServiceTelemetry telemetry(io, o.obs, "responder");
  const auto log = LineLogger("responder");
  ProbeResponder responder(Endpoint{*address, s.realnet.responder_port}, transport);
  telemetry.Metrics().AddCollector([&responder](MetricsCollection& out) {
    out.Counter("cdnlab_responder_probes_echoed", "Probes echoed back to the probe agents",
                static_cast<double>(responder.Echoed()));
  });
  responder.Start();
  telemetry.Start();
  log(fmt::format("group {} on {}:{}", o.name, address->ToString(), s.realnet.responder_port));
  RunUntilSignalled(
      io, o.for_s,
      [&] {
        telemetry.Stop();
        responder.Stop();
      },
      "responder");
  log(fmt::format("{} probes echoed", responder.Echoed()));
}

// Registers one scenario-driven service subcommand.
void AddService(CLI::App* parent, const std::string& name, const std::string& help, const std::string& name_flag,
                const std::string& name_help, void (*run)(const ServiceOptions&)) {
  auto options = std::make_shared<ServiceOptions>();
  CLI::App* cmd = parent->add_subcommand(name, help);
  cmd->add_option("scenario", options->scenario, "Scenario YAML with a realnet section")->required()->check(CLI::ExistingFile);
  cmd->add_option(name_flag, options->name, name_help)->required();
  if (name == "controller") {
    cmd->add_option("--state-out", options->state_out, "Write the final mapping and measurements here (JSON)");
    cmd->add_option("--rfc2136", options->rfc2136,
                    "Keep the default row as the zone's plain record on this primary (IPV4:PORT), by RFC 2136");
    cmd->add_option("--tsig", options->tsig, "TSIG key for --rfc2136 as NAME:BASE64SECRET (hmac-sha256)");
    cmd->add_option("--publish-snapshots", options->publish_snapshots,
                    "Serve each mapping version as a signed snapshot on IPV4:PORT (for `realnet dns --follow`)");
    cmd->add_option("--snapshot-secret-file", options->snapshot_secret_file,
                    "File with the secret (16+ bytes) the snapshots' Ed25519 signing key derives from");
    AddTlsServerFlags(cmd, options->tls, "--publish-snapshots");
    AddControllerRumFlags(cmd, options->rum);
    AddPlainHttpFlag(cmd, options->plain_http)->needs("--publish-snapshots");
    cmd->add_option("--knot-geoip-config", options->knot_geoip_config,
                    "Knot as the DNS data plane: write the mapping to this file, the config-file of a mod-geoip "
                    "(mode: subnet) attached to the scenario's zone, at every version (needs --knotc-socket)");
    cmd->add_option("--pop-keys", options->pop_keys,
                    "File of the PoPs' public keys, a line 'POP-ID HEX' each (`realnet pop-key` prints them); "
                    "reports must be signed by the PoP they name");
    cmd->add_flag("--accept-unsigned-reports", options->accept_unsigned_reports,
                  "Also take unsigned reports from PoPs without a key in --pop-keys (a lab, a migration)");
    cmd->add_option("--report-max-skew", options->report_max_skew_s,
                    "Refuse reports whose sent-at time is further than this many seconds from the controller's clock")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--state-dir", options->state_dir,
                    "Keep the mapping (table and version), the measurements and the report sequence numbers in "
                    "DIR/controller-state.json; a restart answers DNS from them at once and continues the versions");
    cmd->add_option("--state-save-every", options->state_save_every_s,
                    "Save the measurements this often, in seconds (the mapping is saved at every change and at exit)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_flag("--discard-bad-state", options->discard_bad_state,
                  "A corrupt or foreign state file is renamed to controller-state.json.bad-<unix ms> and the "
                  "controller starts cold (default: refuse to start, naming the file and field)");
    cmd->add_option("--knotc-socket", options->knotc_socket,
                    "Knot's control socket: `knotc -f zone-reload ZONE` after each write, then TXT "
                    "_cdnlab-mapping.<zone> must show the new version");
  }
  if (name == "probe-agent") {
    cmd->add_option("--method", options->method, "udp (to cdnlab responders) or icmp (echo, where permitted)")
        ->check(CLI::IsMember({"udp", "icmp"}))
        ->capture_default_str();
    cmd->add_option("--key-file", options->key_file, "The PoP's secret key file (`realnet pop-key`): reports are signed");
    cmd->add_flag("--unsigned-reports", options->unsigned_reports,
                  "Send reports unsigned (only a controller with --accept-unsigned-reports takes them)");
  }
  cmd->add_option("--for", options->for_s, "Stop after this many seconds (default: run until SIGINT/SIGTERM)")
      ->check(CLI::NonNegativeNumber);
  if (name == "controller") AddDrainTimeoutFlag(cmd, options->drain_timeout_s);
  AddObservabilityFlags(cmd, options->obs);
  cmd->callback([options, run, name] {
    ExitOnServiceError(name, [&] { run(*options); });
  });
}

// Serves a static mapping file, or follows a controller's signed snapshots (--follow).
void RunDns(const DnsOptions& options) {
  if (options.config.empty() == options.follow.empty()) {
    throw CLI::ValidationError("config", "give either a static mapping file or --follow (not both)");
  }
  std::vector<boost::asio::ip::udp::endpoint> listen;
  for (const auto& text : options.listen) listen.push_back(ParseListenFlag(text, "--listen"));
  const auto log = LineLogger("dns");
  // Until a snapshot arrives a follower is authoritative for nothing: every query is REFUSED.
  AuthoritativeAnswerer answerer(RoutingCatalog{}, AuthoritativeConfig{"not-loaded.invalid", "not-loaded.invalid"});
  std::string source = "snapshots from " + options.follow;
  if (!options.config.empty()) {
    const StaticMappingConfig config = LoadStaticMappingFile(options.config);
    answerer = AuthoritativeAnswerer(config.catalog, config.dns);
    MappingTable table;
    answerer.ApplyDiff(table.Replace(config.rows));
    source = fmt::format("{} ({} mapping rows)", options.config, config.rows.size());
  }

  boost::asio::io_context io;
  ServiceTelemetry telemetry(io, options.obs, "dns");
  RealDnsServer server(io, answerer, listen, DnsServerOptions{options.udp_threads});
  std::unique_ptr<SnapshotFollower> follower;
  if (!options.follow.empty()) {
    if (options.snapshot_public_key.empty()) {
      throw CLI::ValidationError("--snapshot-public-key", "needed with --follow (snapshots are checked)");
    }
    SnapshotFollowerConfig config;
    config.source = ParseEndpointFlag(options.follow, "--follow");
    config.state_dir = options.state_dir;
    config.tls = options.tls;
    try {
      config.identity.AddPublicKey(kSnapshotSigner, options.snapshot_public_key);
    } catch (const std::invalid_argument& e) {
      throw CLI::ValidationError("--snapshot-public-key", e.what());
    }
    follower = std::make_unique<SnapshotFollower>(io, answerer, server, config, log);
    follower->LoadKept();
  }
  AddDnsMetrics(telemetry, server, follower.get());
  server.Start();
  if (follower) follower->Start();
  telemetry.Start();
  std::string where;
  for (const auto& at : listen) {
    where += (where.empty() ? "" : ", ") + (at.address().is_v6() ? "[" + at.address().to_string() + "]"
                                                                   : at.address().to_string());
  }
  const bool loaded = answerer.Table().Version() > 0;
  log(fmt::format("{} on {} port {} (UDP and TCP), answering from {}", loaded ? answerer.Config().hostname : "no zone yet",
                  where, server.Port(), loaded ? source : source + " (REFUSED until a snapshot arrives)"));
  ServiceHooks hooks;
  // No drain, as Knot: on SIGTERM the server stops answering and resolvers retry the zone's
  // other name servers. The process stops at once (state: the follower's kept snapshot).
  hooks.stop = [&] {
    telemetry.Stop();
    if (follower) follower->Stop();
    server.Stop();
  };
  if (!options.config.empty()) {
    // SIGHUP: the mapping file again (rows, TTL, PoPs, zone); a bad file keeps the old mapping.
    hooks.reload = [&] {
      const StaticMappingConfig config = LoadStaticMappingFile(options.config);  // throws FILE:LINE: ...
      AuthoritativeAnswerer fresh(config.catalog, config.dns);
      MappingTable table;
      fresh.ApplyDiff(table.Replace(config.rows));
      answerer = std::move(fresh);
      server.Refresh();
      log(fmt::format("reloaded {} ({} mapping rows, answer TTL {} s)", options.config, config.rows.size(),
                      std::chrono::duration_cast<std::chrono::seconds>(answerer.Config().ttl).count()));
      return std::string();
    };
  }
  ServiceRunner(io, "dns").Run(hooks, RunLimits{});
  const auto s = server.Stats();
  log(fmt::format("stopped after {} UDP and {} TCP queries ({} errors sent, {} dropped), mapping version {}",
                  s.udp_queries, s.tcp_queries, s.errors_sent, s.dropped, answerer.Table().Version()));
}

// Prints the public key of a snapshot signing secret (what `dns --snapshot-public-key` takes).
void RunSnapshotKey(const std::string& secret_file) {
  FederationIdentity identity;
  identity.AddParticipant(kSnapshotSigner, ReadSecretFile(secret_file, "--secret-file"));
  std::cout << *identity.PublicKeyHex(kSnapshotSigner) << std::endl;
}

// Creates a PoP's secret key file (mode 0600) and prints the line the controller's --pop-keys
// file needs for it.
void RunPopKey(const std::string& pop, const std::string& secret_file) {
  FederationIdentity identity;
  identity.AddParticipant(pop, WriteNewPopSecretFile(secret_file));
  std::cout << pop << ' ' << *identity.PublicKeyHex(pop) << std::endl;
}

}  // namespace

void AddRealnetCommand(CLI::App& app) {
  CLI::App* realnet = app.add_subcommand("realnet", "Run cdnlab's policies on real sockets and real DNS");
  realnet->require_subcommand(1);
  auto options = std::make_shared<DnsOptions>();
  CLI::App* dns = realnet->add_subcommand("dns", "Serve the CDN hostname from a mapping (EDNS Client Subnet aware)");
  dns->add_option("config", options->config, "Static mapping YAML (zone, hostname, ttl_s, pops, mapping)");
  dns->add_option("--follow", options->follow,
                  "Follow a controller's signed mapping snapshots at IPV4:PORT (its --publish-snapshots)");
  dns->add_option("--snapshot-public-key", options->snapshot_public_key,
                  "Hex Ed25519 public key snapshots must be signed with (`realnet snapshot-key`)");
  dns->add_option("--state-dir", options->state_dir,
                  "Keep the last good snapshot here and answer from it at start (while the controller is away)");
  AddTlsClientFlags(dns, options->tls, "--follow");
  dns->add_option("--listen", options->listen,
                  "IPV4:PORT or [IPV6]:PORT to serve on (UDP and TCP); repeat for several addresses")
      ->capture_default_str();
  dns->add_option("--udp-threads", options->udp_threads, "Threads answering UDP per address (0 = one per core)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  AddObservabilityFlags(dns, options->obs);
  AddService(realnet, "controller", "Mapping controller: probe reports in, mapping out to its own DNS server",
             "--policy", "Policy from the scenario: measured, geo or random", RunController);
  AddService(realnet, "probe-agent", "Probe client groups from one PoP's servers and report to the controller", "--pop",
             "PoP id", RunProbeAgent);
  AddService(realnet, "responder", "Echo probes for one client group", "--group", "Client group id", RunResponder);
  AddFederationCommands(realnet);
  AddStreamingCommands(realnet);
  AddRumCommands(realnet);
  auto secret_file = std::make_shared<std::string>();
  CLI::App* key = realnet->add_subcommand("snapshot-key", "Print the public key of a snapshot signing secret");
  key->add_option("--secret-file", *secret_file, "The controller's --snapshot-secret-file")->required();
  key->callback([secret_file] { ExitOnServiceError("snapshot-key", [&] { RunSnapshotKey(*secret_file); }); });
  auto pop_key = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* pop_key_cmd = realnet->add_subcommand(
      "pop-key", "Create a PoP's secret key file for signed probe reports (mode 0600; never overwrites) and print "
                 "'POP-ID PUBLIC-KEY-HEX' for the controller's --pop-keys file");
  pop_key_cmd->add_option("--pop", pop_key->first, "PoP id")->required();
  pop_key_cmd->add_option("--secret-file", pop_key->second, "File to create (the agent's --key-file)")->required();
  pop_key_cmd->callback(
      [pop_key] { ExitOnServiceError("pop-key", [&] { RunPopKey(pop_key->first, pop_key->second); }); });
  dns->callback([options] {
    ExitOnServiceError("dns", [&] { RunDns(*options); });
  });
}

}  // namespace cdnlab::cli
