#include "realnet/dns/query_counters.h"

namespace cdnlab {
namespace {

// Each thread's shard, picked round-robin as threads first count.
std::size_t ThreadShard(std::size_t shards) {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed);
  return mine % shards;
}

}  // namespace

void DnsQueryCounters::Add(std::uint16_t rcode, std::optional<PopIndex> pop) {
  std::size_t slot = 0;  // no PoP
  if (pop) slot = *pop < kMaxPops ? *pop + 2 : 1;
  if (rcode >= kRcodes) rcode = kRcodes - 1;  // not sent by this server; kept rather than lost
  shards_[ThreadShard(kShards)].counts[rcode][slot].fetch_add(1, std::memory_order_relaxed);
}

std::vector<DnsQueryCounters::Row> DnsQueryCounters::Totals() const {
  std::vector<Row> rows;
  for (std::size_t r = 0; r < kRcodes; ++r) {
    for (std::size_t slot = 0; slot < kPopSlots; ++slot) {
      std::uint64_t sum = 0;
      for (const Shard& shard : shards_) sum += shard.counts[r][slot].load(std::memory_order_relaxed);
      if (sum == 0) continue;
      const int pop = slot == 0 ? kNoPop : slot == 1 ? kOtherPop : static_cast<int>(slot - 2);
      rows.push_back({static_cast<std::uint16_t>(r), pop, sum});
    }
  }
  return rows;
}

const char* DnsRcodeName(std::uint16_t rcode) {
  static const char* const kNames[] = {"NOERROR", "FORMERR",  "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED",
                                       "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE", "RCODE11",
                                       "RCODE12",  "RCODE13", "RCODE14",  "RCODE15",  "BADVERS"};
  return rcode < sizeof kNames / sizeof kNames[0] ? kNames[rcode] : "OTHER";
}

}  // namespace cdnlab
