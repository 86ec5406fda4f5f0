#include "cli/validate_command.h"

#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "scenarios/core/scenario_error.h"
#include "scenarios/loader/scenario_loader.h"
#include "cli/user_errors.h"

namespace cdnlab::cli {

void AddValidateCommand(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("validate", "Check a scenario file and report every problem in it");
  cmd->add_option("file", *file, "Scenario YAML file")->required();
  cmd->callback([file] {
    ExitOnScenarioError([&] {
      const Scenario s = LoadScenarioFile(*file);
      std::string parts;
      if (s.HasRouting()) {
        std::string policies;
        for (const auto& p : s.policies) policies += (policies.empty() ? "" : ", ") + p.ResultLabel();
        parts += fmt::format(", {} PoPs, {} client groups, {} resolvers, {} timeline events, policies: {}",
                             s.pops.size(), s.client_groups.size(), s.resolvers.size(), s.timeline.size(), policies);
      }
      if (s.federation.present) {
        std::size_t servers = 0;
        for (const auto& p : s.federation.platforms) servers += p.servers.size();
        parts += fmt::format(", federation: {} platforms, {} servers, {} configurations, {} commands, {} faults",
                             s.federation.platforms.size(), servers, s.federation.configurations.size(),
                             s.federation.commands.size(), s.federation.faults.size());
      }
      if (s.streaming.present) {
        const auto& st = s.streaming;
        std::size_t viewers = 0;
        for (const auto& v : st.viewers) viewers += static_cast<std::size_t>(v.count);
        parts += fmt::format(", streaming: {} ingests, {} mid-tier and {} edge caches, {} streams, {} viewers in {} "
                             "groups, {} events",
                             st.ingests.size(), st.mids.size(), st.edges.size(), st.publishers.size(), viewers,
                             st.viewers.size(), st.events.size());
      }
      std::cout << fmt::format("{}: ok: scenario '{}', {} links{}\n", *file, s.name, s.links.size(), parts);
    });
  });
}

}  // namespace cdnlab::cli
