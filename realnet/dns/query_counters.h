#pragma once
// DNS responses by rcode and by the PoP answered, counted on the UDP worker threads at full
// rate: no lock and no string per query. Each thread adds (a relaxed atomic add) to one of a few
// cache-line-aligned shards picked once per thread, so threads do not fight over one line;
// a scrape sums the shards.
#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "models/routing/catalog.h"

namespace cdnlab {

class DnsQueryCounters {
 public:
  static constexpr std::size_t kMaxPops = 64;     // PoPs beyond this are counted as "other"
  static constexpr std::size_t kRcodes = 17;      // 0..15 and BADVERS (16)
  static constexpr int kNoPop = -1;               // an error, a NODATA, the apex: no PoP
  static constexpr int kOtherPop = -2;            // a PoP index >= kMaxPops

  void Add(std::uint16_t rcode, std::optional<PopIndex> pop);

  struct Row {
    std::uint16_t rcode;
    int pop;  // a PoP index, kNoPop or kOtherPop
    std::uint64_t count;
  };
  // Every non-zero (rcode, pop) total.
  std::vector<Row> Totals() const;

 private:
  static constexpr std::size_t kShards = 8;
  static constexpr std::size_t kPopSlots = kMaxPops + 2;  // + no PoP + other
  struct alignas(64) Shard {
    std::array<std::array<std::atomic<std::uint64_t>, kPopSlots>, kRcodes> counts{};
  };
  std::array<Shard, kShards> shards_{};
};

// "NOERROR", "NXDOMAIN", ... ("RCODE12" for one without a name).
const char* DnsRcodeName(std::uint16_t rcode);

}  // namespace cdnlab
