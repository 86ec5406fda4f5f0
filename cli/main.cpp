// cdnlab: one program, one subcommand per job. Each subcommand lives in its own file.
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/realnet/command.h"
#include "cli/compare_command.h"
#include "cli/report_command.h"
#include "cli/generate_command.h"
#include "cli/import_command.h"
#include "cli/run_command.h"
#include "cli/sweep/command.h"
#include "cli/testbed_commands.h"
#include "cli/compare_streaming_command.h"
#include "cli/validate_command.h"

int main(int argc, char** argv) {
  CLI::App app{"cdnlab: a CDN simulator and emulation testbed"};
  app.require_subcommand(1);
  cdnlab::cli::AddRunCommand(app);
  cdnlab::cli::AddValidateCommand(app);
  cdnlab::cli::AddCompareCommand(app);
  cdnlab::cli::AddReportCommand(app);
  cdnlab::cli::AddSweepCommand(app);
  cdnlab::cli::AddGenerateCommand(app);
  cdnlab::cli::AddImportCommand(app);
  cdnlab::cli::AddRealnetCommand(app);
  cdnlab::cli::AddTestbedCommands(app);
  cdnlab::cli::AddCompareStreamingCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "cdnlab: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
