#pragma once
// An address or prefix of either family, for what may be IPv4 or IPv6: mapping rows, client
// subnets (EDNS Client Subnet family 1 or 2), a querying resolver, a dual-stack host.
// Each family keeps its own type (Ipv4Address, Ipv6Address); this only says which one it is.
#include <cstdint>
#include <string>
#include <variant>

#include "models/net/ipv4.h"
#include "models/net/ipv6.h"

namespace cdnlab {

// The values are EDNS Client Subnet's family numbers (RFC 7871 6, IANA address family numbers).
enum class IpFamily : std::uint8_t { kV4 = 1, kV6 = 2 };

// An address as an unsigned integer of its family's width (32 or 128 bits), for arithmetic on
// ranges of addresses; IPv4 uses the low 32 bits.
__extension__ using AddressBits = unsigned __int128;

class IpAddress {
 public:
  IpAddress() = default;  // 0.0.0.0
  IpAddress(Ipv4Address a) : value_(a) {}          // NOLINT: implicit, every IPv4 address is one
  IpAddress(const Ipv6Address& a) : value_(a) {}   // NOLINT: the same for IPv6

  IpFamily Family() const { return value_.index() == 0 ? IpFamily::kV4 : IpFamily::kV6; }
  bool IsV4() const { return value_.index() == 0; }
  bool IsV6() const { return value_.index() == 1; }
  Ipv4Address V4() const { return std::get<Ipv4Address>(value_); }        // throws if IPv6
  const Ipv6Address& V6() const { return std::get<Ipv6Address>(value_); }  // throws if IPv4

  static std::uint8_t WidthOf(IpFamily f) { return f == IpFamily::kV4 ? 32 : 128; }
  std::uint8_t Width() const { return WidthOf(Family()); }
  AddressBits Bits() const { return IsV4() ? AddressBits{std::get<Ipv4Address>(value_).value} : V6Bits(); }
  static IpAddress FromBits(IpFamily family, AddressBits bits);

  std::string ToString() const;  // dotted quad, or RFC 5952

  // IPv4 orders before IPv6; within a family, by address.
  friend bool operator==(const IpAddress& a, const IpAddress& b) { return a.value_ == b.value_; }
  friend bool operator!=(const IpAddress& a, const IpAddress& b) { return a.value_ != b.value_; }
  friend bool operator<(const IpAddress& a, const IpAddress& b) { return a.value_ < b.value_; }

 private:
  AddressBits V6Bits() const;

  std::variant<Ipv4Address, Ipv6Address> value_;
};

class IpPrefix {
 public:
  IpPrefix() = default;  // 0.0.0.0/0
  IpPrefix(const Ipv4Prefix& p) : network_(p.network), length_(p.length) {}  // NOLINT: implicit
  IpPrefix(const Ipv6Prefix& p) : network_(p.network), length_(p.length) {}  // NOLINT: implicit

  // Builds a prefix, clearing host bits (length capped at the family's width).
  static IpPrefix Of(const IpAddress& address, std::uint8_t length);

  IpFamily Family() const { return network_.Family(); }
  bool IsV4() const { return network_.IsV4(); }
  bool IsV6() const { return network_.IsV6(); }
  const IpAddress& Network() const { return network_; }
  std::uint8_t Length() const { return length_; }
  Ipv4Prefix V4() const { return Ipv4Prefix{network_.V4(), length_}; }  // throws if IPv6
  Ipv6Prefix V6() const { return Ipv6Prefix{network_.V6(), length_}; }  // throws if IPv4

  // False across families: an IPv4 prefix never holds an IPv6 address, nor the reverse.
  bool Contains(const IpAddress& a) const;
  bool Overlaps(const IpPrefix& o) const;
  // The first and last address inside, as bits of the family's width.
  AddressBits FirstBits() const { return network_.Bits(); }
  AddressBits LastBits() const;

  std::string ToString() const;  // "10.1.0.0/24", "2001:db8::/32"

  // IPv4 before IPv6; then by network, then length (a prefix before those nested in it).
  friend bool operator==(const IpPrefix& a, const IpPrefix& b) {
    return a.network_ == b.network_ && a.length_ == b.length_;
  }
  friend bool operator!=(const IpPrefix& a, const IpPrefix& b) { return !(a == b); }
  friend bool operator<(const IpPrefix& a, const IpPrefix& b) {
    return a.network_ != b.network_ ? a.network_ < b.network_ : a.length_ < b.length_;
  }

 private:
  IpAddress network_;
  std::uint8_t length_ = 0;
};

// The mask of the top `length` bits of a `width`-bit address (inline: DNS answers use it per query).
inline AddressBits PrefixMaskBits(std::uint8_t width, std::uint8_t length) {
  if (length == 0) return 0;
  const AddressBits all = width == 128 ? ~AddressBits{0} : (AddressBits{1} << width) - 1;
  return all & ~((AddressBits{1} << (width - length)) - 1);
}

}  // namespace cdnlab
