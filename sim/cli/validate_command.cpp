#include "sim/cli/validate_command.h"

#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "scenarios/scenario_error.h"
#include "scenarios/scenario_loader.h"

namespace cdnlab::cli {

void AddValidateCommand(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("validate", "Check a scenario file and report every problem in it");
  cmd->add_option("file", *file, "Scenario YAML file")->required();
  cmd->callback([file] {
    try {
      const Scenario s = LoadScenarioFile(*file);
      std::string policies;
      for (const auto& p : s.policies) policies += (policies.empty() ? "" : ", ") + p.name;
      std::cout << fmt::format("{}: ok: scenario '{}', {} PoPs, {} client groups, {} resolvers, {} links, "
                               "{} timeline events, policies: {}\n",
                               *file, s.name, s.pops.size(), s.client_groups.size(), s.resolvers.size(),
                               s.links.size(), s.timeline.size(), policies);
    } catch (const ScenarioError& e) {
      std::cerr << e.what() << (std::string(e.what()).back() == '\n' ? "" : "\n");
      throw CLI::RuntimeError(1);
    }
  });
}

}  // namespace cdnlab::cli
