#pragma once
// Big-endian writing and bounds-checked reading of the simulator's own message formats.
#include <cstdint>
#include <optional>
#include <string>

#include "models/ports/datagram_transport.h"

namespace cdnlab {

class ByteWriter {
 public:
  void U8(std::uint8_t v) { out_.push_back(v); }
  void U16(std::uint16_t v) { Put(v, 2); }
  void U32(std::uint32_t v) { Put(v, 4); }
  void U64(std::uint64_t v) { Put(v, 8); }
  void Str(const std::string& s) {
    U16(static_cast<std::uint16_t>(s.size()));
    out_.insert(out_.end(), s.begin(), s.end());
  }
  std::size_t Size() const { return out_.size(); }
  Bytes Take() { return std::move(out_); }

 private:
  void Put(std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  Bytes out_;
};

// Every read fails (and keeps failing) once the input is exhausted, so a decoder can read
// a whole message and check Ok() once at the end.
class ByteReader {
 public:
  explicit ByteReader(const Bytes& in) : in_(in) {}
  std::uint8_t U8() { return static_cast<std::uint8_t>(Get(1)); }
  std::uint16_t U16() { return static_cast<std::uint16_t>(Get(2)); }
  std::uint32_t U32() { return static_cast<std::uint32_t>(Get(4)); }
  std::uint64_t U64() { return Get(8); }
  std::string Str() {
    const std::size_t n = U16();
    if (!ok_ || pos_ + n > in_.size()) {
      ok_ = false;
      return {};
    }
    std::string s(in_.begin() + static_cast<long>(pos_), in_.begin() + static_cast<long>(pos_ + n));
    pos_ += n;
    return s;
  }
  bool Ok() const { return ok_; }
  bool AtEnd() const { return pos_ == in_.size(); }

 private:
  std::uint64_t Get(int n) {
    if (!ok_ || pos_ + static_cast<std::size_t>(n) > in_.size()) {
      ok_ = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | in_[pos_++];
    return v;
  }
  const Bytes& in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace cdnlab
