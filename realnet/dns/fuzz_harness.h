#pragma once
#include <cstddef>
#include <cstdint>

namespace cdnlab {

// Feeds one message to a RealDnsServer (not bound to any socket) with a fixed mapping, as a
// UDP datagram and as a TCP message, and checks what comes back is a well-formed reply
// (aborts otherwise, which a fuzzer reports as a crash). Shared by the libFuzzer target and
// the corpus replay test.
void FuzzDnsServerOnce(const std::uint8_t* data, std::size_t size);

}  // namespace cdnlab
