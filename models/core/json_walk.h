#pragma once
// Strict JSON decoding for the codecs (RFC 8007 triggers, RUM beacons): walk a parsed document
// with these helpers; the first problem throws a json_walk::Failure naming where it is
// ("timings[2].rtt_ms") and the codec's public entry point turns it into its own error value,
// so nothing escapes a decoder.
#include <cstddef>
#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

namespace cdnlab::json_walk {

struct Failure {
  std::string path;
  std::string message;
};

[[noreturn]] void Fail(const std::string& path, const std::string& message);

// "a.b" (or "b" at the root) and "a[3]".
std::string Join(const std::string& path, const std::string& member);
std::string At(const std::string& path, std::size_t index);

// An object with no members besides `allowed`.
void RequireObject(const nlohmann::json& j, const std::string& path, std::initializer_list<const char*> allowed);
// The member, or nullptr when absent.
const nlohmann::json* Optional(const nlohmann::json& object, const char* name);
// The member; fails "missing (required)" at path.name when absent.
const nlohmann::json& Required(const nlohmann::json& object, const std::string& path, const char* name);

}  // namespace cdnlab::json_walk
