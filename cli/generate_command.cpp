#include "cli/generate_command.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "scenarios/routing/synthetic_scenario.h"

namespace cdnlab::cli {

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
  cmd->add_option("-o,--out", *out, "Output file (default: standard output)");
  cmd->callback([spec, out] {
    std::string yaml;
    try {
      yaml = SyntheticScenarioYaml(*spec);
    } catch (const std::invalid_argument& e) {
      throw CLI::ValidationError("generate", e.what());
    }
    if (out->empty()) {
      std::cout << yaml;
      return;
    }
    std::ofstream file(*out, std::ios::binary | std::ios::trunc);
    file << yaml;
    if (!file.flush()) throw std::runtime_error("cannot write " + *out);
  });
}

}  // namespace cdnlab::cli
