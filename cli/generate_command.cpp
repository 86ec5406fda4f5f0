#include "cli/generate_command.h"

#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "scenarios/federation/synthetic_scenario.h"
#include "scenarios/routing/synthetic_scenario.h"
#include "scenarios/streaming/synthetic_scenario.h"

namespace cdnlab::cli {
namespace {

void WriteYaml(const std::string& yaml, const std::string& out) {
  if (out.empty()) {
    std::cout << yaml;
    return;
  }
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file << yaml;
  if (!file.flush()) throw std::runtime_error("cannot write " + out);
}

// -o/--out and the callback writing what `make` generates there; a spec the generator refuses
// (std::invalid_argument) is a validation error naming `command`. `skip` (optional): write
// nothing this time.
void AddYamlOutput(CLI::App* cmd, const std::string& command, std::function<std::string()> make,
                   std::function<bool()> skip = nullptr) {
  auto out = std::make_shared<std::string>();
  cmd->add_option("-o,--out", *out, "Output file (default: standard output)");
  cmd->callback([command, make = std::move(make), skip = std::move(skip), out] {
    if (skip && skip()) return;
    std::string yaml;
    try {
      yaml = make();
    } catch (const std::invalid_argument& e) {
      throw CLI::ValidationError(command, e.what());
    }
    WriteYaml(yaml, *out);
  });
}

// `cdnlab generate federation [...]`: the defaults give scenarios/federation_10k.yaml.
CLI::App* AddGenerateFederation(CLI::App& generate) {
  auto spec = std::make_shared<SyntheticFederationSpec>();
  CLI::App* cmd = generate.add_subcommand("federation", "Write a synthetic federation scenario of any size (YAML)");
  cmd->add_option("--name", spec->name, "Scenario name")->capture_default_str();
  cmd->add_option("--seed", spec->seed, "Seed of the run")->capture_default_str();
  cmd->add_option("--cdns", spec->cdns, "CDNs (platforms), 1 to 26")->capture_default_str()->check(CLI::Range(1, 26));
  cmd->add_option("--servers", spec->servers, "Servers over all CDNs, parents included")
      ->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--parents", spec->parents_per_cdn, "Parent servers per CDN")->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--configurations", spec->configurations, "Configurations")->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--providers", spec->providers, "Content providers")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--edges-per-configuration", spec->edges_per_configuration,
                  "Edge servers carrying a configuration on each CDN it is deployed on")
      ->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--commands", spec->commands, "Trigger commands")->capture_default_str();
  cmd->add_option("--first-command", spec->first_command_s, "Time of the first command (s)")->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--spacing", spec->command_spacing_s, "Seconds between commands")->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--drain", spec->drain_s, "Simulated seconds after the last command")->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--fidelity", spec->fidelity, "packet or flow")->capture_default_str()
      ->check(CLI::IsMember({"packet", "flow"}));
  AddYamlOutput(cmd, "generate federation", [spec] { return SyntheticFederationYaml(*spec); });
  return cmd;
}

// `cdnlab generate streaming [...]`: the defaults give scenarios/streaming_flash_crowd.yaml.
CLI::App* AddGenerateStreaming(CLI::App& generate) {
  auto spec = std::make_shared<SyntheticStreamingSpec>();
  CLI::App* cmd = generate.add_subcommand("streaming", "Write a synthetic live-streaming scenario of any size (YAML)");
  cmd->add_option("--name", spec->name, "Scenario name")->capture_default_str();
  cmd->add_option("--seed", spec->seed, "Seed of the run")->capture_default_str();
  cmd->add_option("--regions", spec->regions, "Regions: a router, an ingest, a mid-tier cache each")
      ->capture_default_str()->check(CLI::Range(2, 1000));
  cmd->add_option("--edges", spec->edges, "Edge caches (spread over the regions)")->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--streams", spec->streams, "Streams (one publisher each)")->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--viewers", spec->viewers, "Viewers over all edges")->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--duration", spec->duration_s, "Simulated seconds")->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--segment", spec->segment_s, "Segment duration (s)")->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--join", spec->join_s, "Time the burst of viewers starts (s)")->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--spread", spec->spread_s, "Seconds over which the viewers join")->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--fidelity", spec->fidelity, "packet or flow")->capture_default_str()
      ->check(CLI::IsMember({"packet", "flow"}));
  AddYamlOutput(cmd, "generate streaming", [spec] { return SyntheticStreamingYaml(*spec); });
  return cmd;
}

}  // namespace

void AddGenerateCommand(CLI::App& app) {
  auto spec = std::make_shared<SyntheticScenarioSpec>();
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("generate", "Write a synthetic request-routing scenario of any size (YAML)");
  cmd->add_option("--name", spec->name, "Scenario name")->capture_default_str();
  cmd->add_option("--seed", spec->seed, "Seed of the topology and of the run")->capture_default_str();
  cmd->add_option("--groups", spec->groups, "Client groups (one /24 each)")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--pops", spec->pops, "PoPs (one server each)")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--routers", spec->routers, "Backbone routers (0 = max(8, pops/2))")->capture_default_str();
  cmd->add_option("--resolvers", spec->resolvers, "ISP resolvers (0 = max(4, groups/2000))")->capture_default_str();
  cmd->add_option("--duration", spec->duration_s, "Simulated seconds")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--warmup", spec->warmup_s, "Warm-up seconds")->capture_default_str()->check(CLI::NonNegativeNumber);
  cmd->add_option("--requests", spec->requests, "Downloads over the run, all groups together")->capture_default_str();
  cmd->add_option("--sample-interval", spec->sample_interval_s, "Regret sampling interval (s)")
      ->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--recompute-interval", spec->recompute_interval_s, "Mapping recomputation interval (s)")
      ->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--ttl", spec->dns_ttl_s, "DNS answer TTL (s)")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--policies", spec->policies, "Routing policies to run")->capture_default_str()->delimiter(',');
  cmd->add_option("--fidelity", spec->fidelity, "packet or flow")->capture_default_str()
      ->check(CLI::IsMember({"packet", "flow"}));
  CLI::App* federation = AddGenerateFederation(*cmd);
  CLI::App* streaming = AddGenerateStreaming(*cmd);
  AddYamlOutput(cmd, "generate", [spec] { return SyntheticScenarioYaml(*spec); },
                // the subcommand wrote its own scenario
                [federation, streaming] { return federation->parsed() || streaming->parsed(); });
}

}  // namespace cdnlab::cli
