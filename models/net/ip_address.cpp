#include "models/net/ip_address.h"

namespace cdnlab {

AddressBits IpAddress::V6Bits() const {
  AddressBits bits = 0;
  for (std::uint8_t byte : V6().bytes) bits = (bits << 8) | byte;
  return bits;
}

IpAddress IpAddress::FromBits(IpFamily family, AddressBits bits) {
  if (family == IpFamily::kV4) return Ipv4Address{static_cast<std::uint32_t>(bits)};
  Ipv6Address a;
  for (int i = 15; i >= 0; --i) {
    a.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(bits & 0xFF);
    bits >>= 8;
  }
  return a;
}

std::string IpAddress::ToString() const { return IsV4() ? V4().ToString() : V6().ToString(); }

IpPrefix IpPrefix::Of(const IpAddress& address, std::uint8_t length) {
  const std::uint8_t width = address.Width();
  if (length > width) length = width;
  IpPrefix p;
  p.network_ = IpAddress::FromBits(address.Family(), address.Bits() & PrefixMaskBits(width, length));
  p.length_ = length;
  return p;
}

bool IpPrefix::Contains(const IpAddress& a) const {
  if (a.Family() != Family()) return false;
  return (a.Bits() & PrefixMaskBits(a.Width(), length_)) == network_.Bits();
}

bool IpPrefix::Overlaps(const IpPrefix& o) const {
  if (o.Family() != Family()) return false;
  const std::uint8_t shorter = length_ < o.length_ ? length_ : o.length_;
  const AddressBits mask = PrefixMaskBits(network_.Width(), shorter);
  return (network_.Bits() & mask) == (o.network_.Bits() & mask);
}

AddressBits IpPrefix::LastBits() const {
  const std::uint8_t width = network_.Width();
  return network_.Bits() | (PrefixMaskBits(width, width) & ~PrefixMaskBits(width, length_));
}

std::string IpPrefix::ToString() const { return network_.ToString() + "/" + std::to_string(length_); }

}  // namespace cdnlab
