#pragma once
#include <cstdint>

namespace cdnlab {

// Randomness handed to models, so every draw comes from the run's seed.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual std::uint64_t NextU64() = 0;

  // Uniform in [0, 1), from the top 53 bits (same value on every platform).
  double Uniform01() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n); n must be > 0.
  std::uint64_t UniformIndex(std::uint64_t n) { return static_cast<std::uint64_t>(Uniform01() * n) % n; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform01(); }
  // Exponential with the given mean (inverse-CDF, so it is platform independent).
  double Exponential(double mean);
};

}  // namespace cdnlab
