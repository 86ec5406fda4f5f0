#include "cli/user_errors.h"

#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "realnet/net/log_line.h"
#include "scenarios/core/scenario_error.h"

namespace cdnlab::cli {
namespace {

void PrintLine(const std::string& message) {
  std::cerr << message << (!message.empty() && message.back() == '\n' ? "" : "\n");
}

}  // namespace

void ExitOnScenarioError(const std::function<void()>& body, int status) {
  try {
    body();
  } catch (const ScenarioError& e) {
    PrintLine(e.what());
    throw CLI::RuntimeError(status);
  }
}

void ExitOnServiceError(const std::string& name, const std::function<void()>& body) {
  try {
    ExitOnScenarioError(body);
  } catch (const CLI::Error&) {
    throw;  // an exit status already decided (CLI::Error is a std::exception too)
  } catch (const std::exception& e) {
    WriteLogLine(name, "error", e.what());  // as the service's other lines: text or JSON
    throw CLI::RuntimeError(1);
  }
}

}  // namespace cdnlab::cli
