// Runs the DNS fuzz harness over the committed corpus and over deterministic mutations of
// it (bit flips, truncations, splices), so every build exercises what the libFuzzer target
// (tests/realnet/dns/fuzz/) explores. A crash or a malformed reply aborts the test.
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "models/core/seeded_random_source.h"
#include "models/ports/datagram_transport.h"
#include "realnet/dns/fuzz_harness.h"

namespace cdnlab {
namespace {

std::vector<Bytes> Corpus() {
  std::vector<Bytes> out;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(CDNLAB_SOURCE_DIR) + "/tests/realnet/dns/fuzz/corpus")) {
    std::ifstream in(entry.path(), std::ios::binary);
    out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

TEST(DnsFuzzReplay, CorpusRunsClean) {
  const auto corpus = Corpus();
  ASSERT_GE(corpus.size(), 15u);
  for (const auto& input : corpus) FuzzDnsServerOnce(input.data(), input.size());
}

TEST(DnsFuzzReplay, DeterministicMutationsRunClean) {
  const auto corpus = Corpus();
  SeededRandomSource random(2136);
  constexpr int kMutations = 100000;
  for (int i = 0; i < kMutations; ++i) {
    Bytes b = corpus[random.UniformIndex(corpus.size())];
    switch (random.UniformIndex(4)) {
      case 0:  // flip a few bits
        for (int k = 0; k < 3 && !b.empty(); ++k) b[random.UniformIndex(b.size())] ^= 1u << random.UniformIndex(8);
        break;
      case 1:  // truncate
        b.resize(random.UniformIndex(b.size() + 1));
        break;
      case 2: {  // splice the tail of another input
        const Bytes& other = corpus[random.UniformIndex(corpus.size())];
        b.resize(random.UniformIndex(b.size() + 1));
        b.insert(b.end(), other.begin() + static_cast<long>(random.UniformIndex(other.size() + 1)), other.end());
        break;
      }
      default:  // overwrite a byte with an interesting value
        if (!b.empty()) {
          static const std::uint8_t kValues[] = {0x00, 0x3F, 0x40, 0xC0, 0xFF, 0x29};
          b[random.UniformIndex(b.size())] = kValues[random.UniformIndex(6)];
        }
    }
    FuzzDnsServerOnce(b.data(), b.size());
  }
  SUCCEED() << kMutations << " mutated messages answered or dropped";
}

}  // namespace
}  // namespace cdnlab
