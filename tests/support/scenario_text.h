#pragma once
// Helpers for loader tests that break a valid scenario text in one place and check where the
// error points: "bad.yaml:LINE:COL: field 'FIELD': MESSAGE".
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "scenarios/core/scenario_error.h"
#include "scenarios/loader/scenario_loader.h"

namespace cdnlab::testing {

// `text` with the first `from` replaced by `to` (a test failure when `from` is absent).
inline std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at == std::string::npos) return text;
  return text.replace(at, from.size(), to);
}

// "LINE:COLUMN" (1-based) of the first occurrence of `needle` in `text`: where a message
// about the value written there must point. A '^' in the needle marks the exact character
// (and is not matched), for needles that need context to be unique: "pop: ^r1".
inline std::string PositionOf(const std::string& text, std::string needle) {
  const auto caret = needle.find('^');
  const std::size_t skip = caret == std::string::npos ? 0 : caret;
  if (caret != std::string::npos) needle.erase(caret, 1);
  const auto found = text.find(needle);
  EXPECT_NE(found, std::string::npos) << needle;
  if (found == std::string::npos) return "?";
  const auto at = found + skip;
  const auto line_start = text.rfind('\n', at);
  const std::size_t column = at - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n');
  return std::to_string(line) + ":" + std::to_string(column);
}

// Loads text that must fail and returns the error message (one issue per line).
inline std::string ErrorOf(const std::string& text) {
  try {
    LoadScenarioText(text, "bad.yaml");
  } catch (const ScenarioError& e) {
    EXPECT_FALSE(e.Issues().empty());
    return e.what();
  }
  ADD_FAILURE() << "scenario was accepted";
  return "";
}

}  // namespace cdnlab::testing

#define EXPECT_MENTIONS(message, text) EXPECT_NE((message).find(text), std::string::npos) << (message)

// `base` with `from` replaced by `to` must fail with this issue, located where `at` occurs in
// the broken text.
#define EXPECT_ISSUE_IN(base, from, to, at, field, message)                                           \
  do {                                                                                                 \
    const std::string broken_ = ::cdnlab::testing::Replace(base, from, to);                          \
    EXPECT_MENTIONS(::cdnlab::testing::ErrorOf(broken_), "bad.yaml:" +                                 \
                                                             ::cdnlab::testing::PositionOf(broken_, at) + \
                                                             ": field '" + (field) + "': " + (message)); \
  } while (0)
