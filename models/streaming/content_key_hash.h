#pragma once
// A hash of ContentKey for unordered maps: the caches look a key up on every request, and a
// hash costs one pass over the stream id where std::map's ordering compares it at every level.
#include <cstddef>
#include <functional>
#include <string>

#include "models/streaming/live_stream.h"

namespace cdnlab {

struct ContentKeyHash {
  std::size_t operator()(const ContentKey& key) const {
    std::size_t h = std::hash<std::string>{}(key.stream);
    const auto mix = [&h](std::size_t v) { h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2); };
    mix(static_cast<std::size_t>(key.sequence));
    mix((key.playlist ? 1u : 0u) | (key.init ? 2u : 0u) | (static_cast<std::size_t>(key.container) << 2));
    mix(key.part ? static_cast<std::size_t>(*key.part) + 1 : 0);
    return h;
  }
};

}  // namespace cdnlab
