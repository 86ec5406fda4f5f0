#pragma once
// Errors of `cdnlab report`: bad input (a missing directory, no summary.json, a malformed CSV
// row; exit 2) versus a failed tool (gnuplot missing or failing; exit 1).
#include <stdexcept>
#include <string>

namespace cdnlab::report {

// The input directory or one of its files is unusable; the message names file (and line).
class ReportInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// gnuplot is missing or failed; the message carries its exit status and stderr.
class ReportToolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace cdnlab::report
