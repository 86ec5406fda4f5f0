// libFuzzer target: any bytes as a DNS message to cdnlab's authoritative server, over UDP
// and TCP framing. The server must answer or drop, never crash, hang or read out of bounds.
// Build and run: tests/realnet/dns/fuzz/run-fuzzer.sh [seconds]
#include <cstddef>
#include <cstdint>

#include "realnet/dns/fuzz_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cdnlab::FuzzDnsServerOnce(data, size);
  return 0;
}
