#pragma once
// Runs a shell command for end-to-end tests and returns its exit code and combined output.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace cdnlab::testing {

struct ShellResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

inline ShellResult RunShell(const std::string& command) {
  ShellResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) result.output += buffer.data();
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace cdnlab::testing
