#include "models/federation/fragment.h"

#include <algorithm>
#include <type_traits>

namespace cdnlab {
namespace {

constexpr std::uint8_t kMagic[4] = {'C', 'D', 'F', 'T'};

class Writer {
 public:
  explicit Writer(char kind) {
    out_.assign(std::begin(kMagic), std::end(kMagic));
    out_.push_back(static_cast<std::uint8_t>(kind));
  }
  template <typename T>
  void Int(T v) {
    for (int shift = 8 * (static_cast<int>(sizeof(T)) - 1); shift >= 0; shift -= 8) {
      out_.push_back(static_cast<std::uint8_t>(v >> shift));
    }
  }
  void Raw(const std::vector<std::uint8_t>& b) { out_.insert(out_.end(), b.begin(), b.end()); }
  Bytes Take() { return std::move(out_); }

 private:
  Bytes out_;
};

class Reader {
 public:
  Reader(const Bytes& b, std::size_t pos) : b_(b), pos_(pos) {}
  template <typename T>
  bool Int(T& v) {
    if (b_.size() - pos_ < sizeof(T)) return false;
    v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>((v << 8) | b_[pos_++]);
    return true;
  }
  bool Raw(std::size_t n, std::vector<std::uint8_t>& out) {
    if (b_.size() - pos_ < n) return false;
    out.assign(b_.begin() + static_cast<std::ptrdiff_t>(pos_), b_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return true;
  }
  std::size_t Left() const { return b_.size() - pos_; }

 private:
  const Bytes& b_;
  std::size_t pos_;
};

}  // namespace

std::uint32_t DataFragment::FragmentCount() const {
  if (fragment_bytes == 0) return 0;
  if (message_bytes == 0) return 1;  // an empty message still travels as one fragment
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(message_bytes) + fragment_bytes - 1) / fragment_bytes);
}

Bytes EncodeTransferDatagram(const TransferDatagram& datagram) {
  return std::visit(
      [](const auto& d) {
        using T = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<T, DataFragment>) {
          Writer w('D');
          w.Int(d.message_id);
          w.Int(d.message_bytes);
          w.Int(d.fragment_bytes);
          w.Int(d.index);
          w.Raw(d.payload);
          return w.Take();
        } else if constexpr (std::is_same_v<T, FragmentAck>) {
          Writer w('A');
          w.Int(d.message_id);
          w.Int(d.incarnation);
          w.Int(d.prefix);
          w.Int(static_cast<std::uint8_t>(d.complete ? 1 : 0));
          w.Int(static_cast<std::uint16_t>(d.bitmap.size()));
          w.Raw(d.bitmap);
          return w.Take();
        } else {
          Writer w('R');
          w.Int(d.message_id);
          w.Int(d.incarnation);
          w.Int(static_cast<std::uint8_t>(d.reason));
          return w.Take();
        }
      },
      datagram);
}

std::optional<TransferDatagram> DecodeTransferDatagram(const Bytes& bytes) {
  if (bytes.size() < 5 || !std::equal(std::begin(kMagic), std::end(kMagic), bytes.begin())) return std::nullopt;
  Reader r(bytes, 5);
  switch (bytes[4]) {
    case 'D': {
      DataFragment f;
      if (!r.Int(f.message_id) || !r.Int(f.message_bytes) || !r.Int(f.fragment_bytes) || !r.Int(f.index)) {
        return std::nullopt;
      }
      const std::uint32_t count = f.FragmentCount();
      if (count == 0 || f.index >= count) return std::nullopt;
      const std::uint64_t offset = static_cast<std::uint64_t>(f.index) * f.fragment_bytes;
      const std::uint64_t expected = f.message_bytes == 0 ? 0 : std::min<std::uint64_t>(f.fragment_bytes, f.message_bytes - offset);
      if (r.Left() != expected) return std::nullopt;
      r.Raw(r.Left(), f.payload);
      return f;
    }
    case 'A': {
      FragmentAck a;
      std::uint8_t complete = 0;
      std::uint16_t len = 0;
      if (!r.Int(a.message_id) || !r.Int(a.incarnation) || !r.Int(a.prefix) || !r.Int(complete) || !r.Int(len) ||
          complete > 1 || len > kMaxAckBitmapBytes || !r.Raw(len, a.bitmap) || r.Left() != 0) {
        return std::nullopt;
      }
      a.complete = complete == 1;
      return a;
    }
    case 'R': {
      TransferRefusal t;
      std::uint8_t reason = 0;
      if (!r.Int(t.message_id) || !r.Int(t.incarnation) || !r.Int(reason) || r.Left() != 0) return std::nullopt;
      if (reason != 1 && reason != 2) return std::nullopt;
      t.reason = static_cast<RefusalReason>(reason);
      return t;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace cdnlab
