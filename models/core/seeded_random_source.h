#pragma once
#include <cstdint>

#include "models/ports/random_source.h"

namespace cdnlab {

// SplitMix64-seeded xoshiro256** generator: small, fast, identical output on every platform.
// Independent streams for different components come from (seed, stream) pairs.
class SeededRandomSource final : public RandomSource {
 public:
  SeededRandomSource(std::uint64_t seed, std::uint64_t stream = 0);
  std::uint64_t NextU64() override;

 private:
  std::uint64_t state_[4];
};

}  // namespace cdnlab
