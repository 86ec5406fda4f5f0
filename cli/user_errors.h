#pragma once
// How a command ends on a problem its user can fix, in one place: the message on stderr and a
// non-zero exit status, never a stack of "terminate called" lines.
#include <functional>
#include <string>

namespace cdnlab::cli {

// Runs `body`; a ScenarioError (a bad scenario or sweep file, every problem with file:line:col)
// is printed as the loader wrote it and the command exits with `status`.
void ExitOnScenarioError(const std::function<void()>& body, int status = 1);

// For long-running services (`cdnlab realnet <name>`): as above, and any other failure to start
// or run (a bad flag value, an address in use, ICMP not permitted) is printed as
// "cdnlab realnet <name>: <what>" with exit status 1.
void ExitOnServiceError(const std::string& name, const std::function<void()>& body);

}  // namespace cdnlab::cli
