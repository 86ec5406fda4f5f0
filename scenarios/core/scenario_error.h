#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace cdnlab {

// One problem in a scenario file. line/column are 1-based; 0 when unknown (e.g. unreadable file).
struct ScenarioIssue {
  std::string file;
  int line = 0;
  int column = 0;
  std::string field;  // path like "pops[2].servers"; empty for file-level problems
  std::string message;

  std::string ToString() const;  // "FILE:LINE:COLUMN: field 'x': message"
};

// Thrown by the loader with every problem it found, so a user can fix them in one round.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<ScenarioIssue> issues);
  const std::vector<ScenarioIssue>& Issues() const { return issues_; }

 private:
  std::vector<ScenarioIssue> issues_;
};

}  // namespace cdnlab
