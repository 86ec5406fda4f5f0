#include "cli/import_command.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "scenarios/import/graphml_reader.h"
#include "scenarios/import/topology_import.h"

namespace cdnlab::cli {
namespace {

CLI::App* AddTopologyZoo(CLI::App& import) {
  auto o = std::make_shared<ImportOptions>();
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = import.add_subcommand("topology-zoo", "Internet Topology Zoo GraphML to a request-routing scenario (YAML)");
  cmd->add_option("file", o->input, "The topology as published by topology-zoo.org: GraphML, or GML when the name ends in .gml")->required();
  cmd->add_option("-o,--out", *out, "Output file (default: standard output)");
  cmd->add_option("--name", o->name, "Scenario name (default: zoo-<network>)");
  cmd->add_option("--seed", o->seed, "Seed of the run")->capture_default_str();
  cmd->add_option("--duration", o->duration_s, "Simulated seconds")->capture_default_str();
  cmd->add_option("--warmup", o->warmup_s, "Warm-up seconds before regret is measured")->capture_default_str();
  cmd->add_option("--fidelity", o->fidelity, "packet or flow")->capture_default_str();
  cmd->add_option("--pops", o->pops, "PoPs to place (greedy k-median), unless --pop-nodes names them")
      ->capture_default_str();
  cmd->add_option("--pop-nodes", o->pop_nodes, "PoP nodes: label, GraphML id or slug, each optionally =pop-id "
                                               "(UK=pop-lon,DE=pop-fra)")->delimiter(',');
  cmd->add_option("--servers-per-pop", o->servers_per_pop, "Servers in each PoP")->capture_default_str();
  cmd->add_option("--pop-capacity-rps", o->pop_capacity_rps, "Requests per second each PoP serves")->capture_default_str();
  cmd->add_option("--group-nodes", o->group_nodes, "Nodes with a client group (default: every internal node)")
      ->delimiter(',');
  cmd->add_option("--population", o->population, "uniform, or degree (scaled by the node's link count)")
      ->capture_default_str();
  cmd->add_option("--population-per-group", o->population_per_group, "Users per group (degree: of the mean group)")
      ->capture_default_str();
  cmd->add_option("--resolvers", o->resolvers, "pop (one per PoP, groups use the nearest) or group (one each)")
      ->capture_default_str();
  cmd->add_option("--access-ms", o->access_ms, "One-way delay of group and resolver access links")->capture_default_str();
  cmd->add_option("--pop-access-ms", o->pop_access_ms, "One-way delay of PoP and DNS uplinks")->capture_default_str();
  cmd->add_option("--km-per-ms", o->km_per_ms, "Signal speed in fibre (200 km/ms is about 2/3 c)")->capture_default_str();
  cmd->add_option("--fibre-factor", o->fibre_factor, "Fibre length over great-circle distance")->capture_default_str();
  cmd->add_option("--min-delay-ms", o->min_delay_ms, "Least one-way delay of a backbone link")->capture_default_str();
  cmd->add_option("--default-bandwidth-mbps", o->default_bandwidth_mbps, "Bandwidth of links without LinkSpeedRaw")
      ->capture_default_str();
  cmd->add_option("--rtt-matrix", o->rtt_matrix, "Measured RTTs (CSV, ms; node x node or group x PoP) as ground truth");
  cmd->add_flag("--rtt-fit-access", o->rtt_fit_access,
                "Also set each measured group's access delay from its pairs' mean residual");
  cmd->add_option("--rtt-tolerance-ms", o->rtt_tolerance_ms, "Report measured pairs the scenario misses by more")
      ->capture_default_str();
  cmd->add_option("--policies", o->policies, "Routing policies to run")->capture_default_str()->delimiter(',');
  cmd->add_option("--ttl", o->dns_ttl_s, "DNS answer TTL (s)")->capture_default_str();
  cmd->callback([o, out] {
    ImportedScenario s;
    try {
      s = ImportTopologyZoo(*o);
    } catch (const ImportError& e) {
      throw CLI::ValidationError("import topology-zoo", e.what());
    }
    const std::string yaml = ImportedScenarioYaml(s);
    // The report: what was changed to make the file a scenario, never silently.
    std::cerr << "cdnlab import: " << s.source_file << ": network \"" << s.topology.network << "\": "
              << s.topology.nodes.size() << " routers, " << s.topology.links.size() << " links, " << s.pops.size()
              << " PoPs, " << s.groups.size() << " groups, " << s.resolvers.size() << " resolvers\n";
    for (const auto& line : s.topology.report) std::cerr << "cdnlab import: " << line << '\n';
    for (const auto& line : s.rtt_report) std::cerr << "cdnlab import: " << line << '\n';
    if (out->empty()) {
      std::cout << yaml;
      return;
    }
    std::ofstream file(*out, std::ios::binary | std::ios::trunc);
    file << yaml;
    if (!file.flush()) throw std::runtime_error("cannot write " + *out);
  });
  return cmd;
}

}  // namespace

void AddImportCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("import", "Write a scenario from a published topology (Internet Topology Zoo GraphML)");
  cmd->require_subcommand(1);
  AddTopologyZoo(*cmd);
}

}  // namespace cdnlab::cli
