#pragma once
// How every `cdnlab realnet` service writes its log: one line per event on stderr, flushed
// (tests read logs live), as text or as JSON lines (--log-format json) for a log shipper:
//   text: cdnlab realnet dns: serving mapping version 3 (12 rows)
//   json: {"ts":"2026-12-06T01:51:46.123Z","service":"dns","level":"info","msg":"serving ..."}
// The format is one setting for the whole process, chosen before the service starts.
#include <chrono>
#include <string>
#include <string_view>

#include "models/ports/metrics_sink.h"

namespace cdnlab {

enum class LogFormat { kText, kJson };

// "text" or "json"; throws std::invalid_argument for anything else.
LogFormat ParseLogFormat(std::string_view text);
void SetLogFormat(LogFormat format);
LogFormat CurrentLogFormat();

// One line without its newline. `fields` are extra JSON members (in text: " key=value" after it).
std::string FormatLogLine(LogFormat format, std::chrono::system_clock::time_point at, std::string_view service,
                          std::string_view level, std::string_view message, const MetricLabels& fields = {});

// FormatLogLine in the process's format, now, on stderr.
void WriteLogLine(std::string_view service, std::string_view level, std::string_view message,
                  const MetricLabels& fields = {});

}  // namespace cdnlab
