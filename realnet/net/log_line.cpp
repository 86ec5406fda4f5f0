#include "realnet/net/log_line.h"

#include <atomic>
#include <ctime>
#include <iostream>
#include <mutex>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cdnlab {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};

// RFC 3339 in UTC with milliseconds: 2026-12-06T01:51:46.123Z.
std::string Rfc3339(std::chrono::system_clock::time_point at) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                     utc.tm_hour, utc.tm_min, utc.tm_sec, ms % 1000);
}

}  // namespace

LogFormat ParseLogFormat(std::string_view text) {
  if (text == "text") return LogFormat::kText;
  if (text == "json") return LogFormat::kJson;
  throw std::invalid_argument("log format must be text or json, not '" + std::string(text) + "'");
}

void SetLogFormat(LogFormat format) { g_format.store(format); }
LogFormat CurrentLogFormat() { return g_format.load(); }

std::string FormatLogLine(LogFormat format, std::chrono::system_clock::time_point at, std::string_view service,
                          std::string_view level, std::string_view message, const MetricLabels& fields) {
  // A message may end with a newline of its own; a log line never spans two lines.
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.remove_suffix(1);
  if (format == LogFormat::kText) {
    std::string line = fmt::format("cdnlab realnet {}: {}", service, message);
    for (const auto& [key, value] : fields) line += fmt::format(" {}={}", key, value);
    return line;
  }
  nlohmann::ordered_json line;
  line["ts"] = Rfc3339(at);
  line["service"] = service;
  line["level"] = level;
  line["msg"] = message;
  for (const auto& [key, value] : fields) line[key] = value;
  // Bytes that are not UTF-8 (a file name, a peer's garbage) become U+FFFD, not an exception.
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void WriteLogLine(std::string_view service, std::string_view level, std::string_view message,
                  const MetricLabels& fields) {
  const std::string line =
      FormatLogLine(CurrentLogFormat(), std::chrono::system_clock::now(), service, level, message, fields);
  // Lines from several threads (DNS workers, a signal) must not interleave.
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  std::cerr << line << std::endl;
}

}  // namespace cdnlab
