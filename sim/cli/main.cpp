// cdnlab command-line entry point (being filled in: run, validate).
#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"cdnlab: CDN simulator and emulation testbed"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
