#pragma once
// The beacon's wire form, shared by both runtimes: a small JSON object
//   {"v":1, "pv":"<page view id>", "t":<page time s>,
//    "m":[{"pop":"pop-fra","ok":true,"rtt_ms":12.5,"dur_ms":30.1,"bytes":10000}, ...]}
// Decoding is strict: unknown members, wrong types, missing members or a body over the size
// limit are refused with a reason naming the member, never guessed.
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "models/routing/beacon.h"

namespace cdnlab {

struct BeaconDecodeLimits {
  std::size_t max_body_bytes = 4096;
  std::size_t max_timings = 8;
  std::size_t max_id_chars = 64;
};

struct BeaconDecodeError {
  enum class Kind { kOversized, kMalformed };
  Kind kind = Kind::kMalformed;
  std::string reason;  // e.g. "member 'm[2].rtt_ms': expected a number"
};

// `client` is filled from the transport, not from the body.
std::variant<Beacon, BeaconDecodeError> DecodeBeacon(std::string_view body, Ipv4Address client,
                                                      const BeaconDecodeLimits& limits = {});
std::string EncodeBeacon(const Beacon& beacon);

}  // namespace cdnlab
