#include "cli/user_errors.h"

#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

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
    PrintLine("cdnlab realnet " + name + ": " + e.what());
    throw CLI::RuntimeError(1);
  }
}

}  // namespace cdnlab::cli
