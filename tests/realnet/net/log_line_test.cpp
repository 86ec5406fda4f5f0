#include "realnet/net/log_line.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cdnlab {
namespace {

const auto kAt = std::chrono::system_clock::time_point(std::chrono::milliseconds(1796521906123));  // 2026-12-06

TEST(LogLine, TextIsTheServicePrefixedLine) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, kAt, "dns", "info", "serving version 3\n"),
            "cdnlab realnet dns: serving version 3");
}

TEST(LogLine, JsonIsOneObjectWithTimeServiceLevelMessageAndFields) {
  const std::string line = FormatLogLine(LogFormat::kJson, kAt, "federation-gateway cdn-b", "error",
                                         "bad \"quote\"\nand a newline", {{"port", "8080"}});
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["ts"], "2026-12-06T01:51:46.123Z");
  EXPECT_EQ(j["service"], "federation-gateway cdn-b");
  EXPECT_EQ(j["level"], "error");
  EXPECT_EQ(j["msg"], "bad \"quote\"\nand a newline");
  EXPECT_EQ(j["port"], "8080");
}

TEST(LogLine, JsonSurvivesBytesThatAreNotUtf8) {
  const std::string line = FormatLogLine(LogFormat::kJson, kAt, "dns", "info", std::string("file \xff\xfe name"));
  EXPECT_NO_THROW(nlohmann::json::parse(line)) << line;
}

TEST(LogLine, FormatNamesAreCheckedStrictly) {
  EXPECT_EQ(ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(ParseLogFormat("text"), LogFormat::kText);
  EXPECT_THROW(ParseLogFormat("JSON"), std::invalid_argument);
}

}  // namespace
}  // namespace cdnlab
