#pragma once
// The query of a replica PUT between ingests (`?replica=1&...` for segments, `?part_replica=1&...`
// for LL-HLS parts): its name=value fields, and its numbers read strictly, so a malformed replica
// is refused with the field's name instead of being half understood.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "models/core/decimal_digits.h"

namespace cdnlab {

// The fields after '?' in `target` (empty when there is no query); a field without '=' is left out.
inline std::map<std::string, std::string> ReplicaQueryFields(const std::string& target) {
  std::map<std::string, std::string> fields;
  const auto q = target.find('?');
  if (q == std::string::npos) return fields;
  std::size_t from = q + 1;
  while (from <= target.size()) {
    auto amp = target.find('&', from);
    if (amp == std::string::npos) amp = target.size();
    const std::string pair = target.substr(from, amp - from);
    const auto eq = pair.find('=');
    if (eq != std::string::npos) fields[pair.substr(0, eq)] = pair.substr(eq + 1);
    from = amp + 1;
  }
  return fields;
}

// Field `name` as an unsigned decimal no larger than `max`; throws std::invalid_argument naming
// `what` (the kind of query) and the field when it is missing or not such a number.
inline std::uint64_t ReplicaQueryNumber(const std::map<std::string, std::string>& fields, const std::string& name,
                                        const std::string& what, std::uint64_t max) {
  const auto it = fields.find(name);
  const auto value = it == fields.end() ? std::nullopt : ParseDecimalDigits(it->second, max);
  if (!value) throw std::invalid_argument(what + ": '" + name + "' missing or not a decimal number");
  return *value;
}

}  // namespace cdnlab
