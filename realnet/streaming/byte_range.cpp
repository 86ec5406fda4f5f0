#include "realnet/streaming/byte_range.h"

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "models/core/decimal_digits.h"

namespace cdnlab {
namespace {

std::string Trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

}  // namespace

RangeVerdict EvaluateRange(const std::string& header, std::uint64_t size, ByteRange& range) {
  const std::string value = Trim(header);
  if (value.rfind("bytes=", 0) != 0) return RangeVerdict::kWhole;  // absent, or another unit
  const std::string spec = Trim(value.substr(6));
  if (spec.find(',') != std::string::npos) return RangeVerdict::kWhole;  // several ranges: the whole body
  const auto dash = spec.find('-');
  if (dash == std::string::npos) return RangeVerdict::kWhole;
  const std::string first_text = Trim(spec.substr(0, dash));
  const std::string last_text = Trim(spec.substr(dash + 1));
  if (first_text.empty()) {  // "-n": the last n bytes
    const auto suffix = ParseDecimalDigits(last_text);
    if (!suffix) return RangeVerdict::kWhole;
    if (*suffix == 0 || size == 0) return RangeVerdict::kUnsatisfiable;
    range.first = size - std::min(*suffix, size);
    range.last = size - 1;
    return RangeVerdict::kPartial;
  }
  const auto first = ParseDecimalDigits(first_text);
  if (!first) return RangeVerdict::kWhole;
  std::uint64_t last = UINT64_MAX;
  if (!last_text.empty()) {
    const auto parsed = ParseDecimalDigits(last_text);
    if (!parsed || *parsed < *first) return RangeVerdict::kWhole;  // invalid: ignored (RFC 9110 14.1.1)
    last = *parsed;
  }
  if (*first >= size) return RangeVerdict::kUnsatisfiable;
  range.first = *first;
  range.last = std::min(last, size - 1);
  return RangeVerdict::kPartial;
}

void ApplyByteRange(const StreamingHttpRequest& request, StreamingHttpReply& reply) {
  if (reply.status != 200) return;
  reply.headers.emplace_back("Accept-Ranges", "bytes");
  const std::string& header = request.Header("range");
  if (header.empty() || !request.Header("if-range").empty()) return;
  const std::uint64_t size = reply.body ? reply.body->size() : 0;
  ByteRange range;
  switch (EvaluateRange(header, size, range)) {
    case RangeVerdict::kWhole:
      return;
    case RangeVerdict::kUnsatisfiable:
      reply.status = 416;
      reply.headers.emplace_back("Content-Range", fmt::format("bytes */{}", size));
      reply.body.reset();
      reply.content_type.clear();  // no representation in this answer, and nothing to cache
      reply.cache_control.clear();
      return;
    case RangeVerdict::kPartial:
      reply.status = 206;
      reply.headers.emplace_back("Content-Range", fmt::format("bytes {}-{}/{}", range.first, range.last, size));
      const auto length = static_cast<std::size_t>(range.last - range.first + 1);
      reply.body = std::make_shared<const std::string>(reply.body->substr(static_cast<std::size_t>(range.first), length));
      return;
  }
}

}  // namespace cdnlab
