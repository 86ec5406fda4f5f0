#include "realnet/dns/wire_codec.h"

#include <chrono>

namespace cdnlab {
namespace {

constexpr std::size_t kHeaderBytes = 12;
constexpr std::uint16_t kTypeOpt = 41;
constexpr std::uint16_t kTypeA = 1;
constexpr std::uint16_t kTypeNs = 2;
constexpr std::uint16_t kTypeSoa = 6;
constexpr std::uint16_t kTypeAaaa = 28;
constexpr std::uint16_t kClassIn = 1;
constexpr std::uint16_t kEdnsClientSubnet = 8;    // RFC 7871 option code
constexpr std::uint16_t kResponseUdpSize = 1232;  // the DNS flag day 2020 recommendation
constexpr std::size_t kMaxName = 255;
constexpr std::uint8_t kQueryOpcode = 0;

std::uint16_t Get16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
std::uint32_t Get32(const std::uint8_t* p) {
  return (static_cast<std::uint32_t>(p[0]) << 24) | (static_cast<std::uint32_t>(p[1]) << 16) |
         (static_cast<std::uint32_t>(p[2]) << 8) | p[3];
}

ParsedQuery& Refuse(ParsedQuery& p, std::uint16_t rcode, const char* why) {
  p.verdict = QueryVerdict::kError;
  p.error_rcode = rcode;
  p.why = why;
  return p;
}
constexpr std::uint16_t kFormErr = static_cast<std::uint16_t>(DnsRcode::kFormErr);

// The question's name: labels only (a pointer has nothing before it to point at), at most
// 255 octets. Appends its presentation form, lower-cased, with "." and unprintable octets
// escaped so that no crafted label can read as another name. Returns the octets read, 0 on error.
std::size_t ReadQuestionName(const std::uint8_t* d, std::size_t n, std::string& out) {
  std::size_t at = 0;
  for (;;) {
    if (at >= n) return 0;
    const std::uint8_t len = d[at];
    if (len == 0) {
      ++at;
      break;
    }
    if (len > 63) return 0;  // a pointer (0xC0) or a reserved label type
    if (at + 1 + len > n || at + 1 + len + 1 > kMaxName) return 0;
    if (!out.empty()) out.push_back('.');
    for (std::size_t i = 0; i < len; ++i) {
      const unsigned char c = d[at + 1 + i];
      if (c == '.' || c == '\\') {
        out.push_back('\\');
        out.push_back(static_cast<char>(c));
      } else if (c <= 0x20 || c >= 0x7F) {
        out.push_back('\\');
        out.push_back(static_cast<char>('0' + c / 100));
        out.push_back(static_cast<char>('0' + (c / 10) % 10));
        out.push_back(static_cast<char>('0' + c % 10));
      } else {
        out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
      }
    }
    at += 1 + len;
  }
  if (out.empty()) out = ".";
  return at;
}

// Skips a name anywhere else (a pointer ends it). Returns the octets it occupies, 0 on error.
std::size_t SkipName(const std::uint8_t* d, std::size_t n) {
  std::size_t at = 0;
  std::size_t total = 0;
  for (;;) {
    if (at >= n) return 0;
    const std::uint8_t len = d[at];
    if (len == 0) return at + 1;
    if ((len & 0xC0) == 0xC0) return at + 2 <= n ? at + 2 : 0;
    if (len > 63) return 0;
    total += 1 + len;
    if (total + 1 > kMaxName || at + 1 + len > n) return 0;
    at += 1 + len;
  }
}

// RFC 7871 section 6: every rule a query's ECS option must keep. nullptr when it keeps them.
const char* ReadClientSubnet(const std::uint8_t* d, std::size_t n, WireQuery& q) {
  if (n < 4) return "client subnet option shorter than 4 bytes";
  ClientSubnetOption ecs;
  ecs.family = Get16(d);
  ecs.source_prefix_length = d[2];
  const std::uint8_t scope = d[3];
  const std::size_t max_bits = ecs.family == 1 ? 32 : ecs.family == 2 ? 128 : 0;
  if (max_bits == 0) return "client subnet family is neither IPv4 (1) nor IPv6 (2)";
  if (ecs.source_prefix_length > max_bits) return "client subnet source prefix longer than the address";
  if (scope != 0) return "client subnet scope must be 0 in a query";
  const std::size_t address_bytes = (ecs.source_prefix_length + 7u) / 8u;
  if (n - 4 != address_bytes) return "client subnet address length does not match its prefix length";
  ecs.address_size = static_cast<std::uint8_t>(address_bytes);
  for (std::size_t i = 0; i < address_bytes; ++i) ecs.address[i] = d[4 + i];
  if (ecs.source_prefix_length % 8 != 0) {
    const auto host_bits = static_cast<std::uint8_t>(0xFF >> (ecs.source_prefix_length % 8));
    if ((ecs.address[address_bytes - 1] & host_bits) != 0) return "client subnet address has bits set beyond its prefix";
  }
  if (ecs.family == 1) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | ecs.address[i];
    q.question.client_subnet = Ipv4Prefix{Ipv4Address{v}, ecs.source_prefix_length};
  } else {
    Ipv6Address a;
    std::copy(ecs.address.begin(), ecs.address.end(), a.bytes.begin());
    q.question.client_subnet = Ipv6Prefix{a, ecs.source_prefix_length};
  }
  q.client_subnet = ecs;
  return nullptr;
}

// The OPT record (RFC 6891 6.1.2): its owner, class (payload size), TTL (extended rcode,
// version, DO) and options. nullptr when it is acceptable; else why it is a FORMERR.
const char* ReadOpt(const std::uint8_t* rr, std::size_t owner_size, const std::uint8_t* rdata, std::size_t rdlen,
                    WireQuery& q) {
  if (owner_size != 1) return "OPT owner is not the root";
  const std::uint8_t* fixed = rr + owner_size;
  q.has_edns = true;
  q.udp_payload_size = std::max<std::uint16_t>(512, Get16(fixed + 2));
  const std::uint32_t ttl = Get32(fixed + 4);
  q.edns_version = static_cast<std::uint8_t>((ttl >> 16) & 0xFF);
  q.dnssec_ok = (ttl & 0x8000) != 0;
  std::size_t at = 0;
  while (at < rdlen) {
    if (rdlen - at < 4) return "OPT option header runs past the record";
    const std::uint16_t code = Get16(rdata + at);
    const std::uint16_t len = Get16(rdata + at + 2);
    if (rdlen - at - 4 < len) return "OPT option runs past the record";
    if (code == kEdnsClientSubnet && q.edns_version == 0) {
      if (q.client_subnet) return "more than one client subnet option";
      if (const char* problem = ReadClientSubnet(rdata + at + 4, len, q)) return problem;
    }
    at += 4 + len;
  }
  return nullptr;
}

// A response being written: header counts are patched as records are added.
class ResponseWriter {
 public:
  explicit ResponseWriter(Bytes& out) : out_(out) {}
  void Header(std::uint16_t id, std::uint8_t flags1, std::uint8_t flags2) {
    out_.assign(kHeaderBytes, 0);
    out_[0] = static_cast<std::uint8_t>(id >> 8);
    out_[1] = static_cast<std::uint8_t>(id & 0xFF);
    out_[2] = flags1;
    out_[3] = flags2;
  }
  void Question(const WireQuery& q) {
    out_.insert(out_.end(), q.question_wire.begin(), q.question_wire.begin() + q.question_size);
    Count(4);
  }
  void Put16(std::uint16_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v & 0xFF));
  }
  void Put32(std::uint32_t v) {
    Put16(static_cast<std::uint16_t>(v >> 16));
    Put16(static_cast<std::uint16_t>(v & 0xFFFF));
  }
  void Name(const Bytes& wire) { out_.insert(out_.end(), wire.begin(), wire.end()); }
  void QuestionNamePointer() { Put16(0xC000 | kHeaderBytes); }
  // Fixed part of an RR after its owner; returns where RDLENGTH is, to patch.
  std::size_t RrFixed(std::uint16_t type, std::uint16_t klass, std::uint32_t ttl) {
    Put16(type);
    Put16(klass);
    Put32(ttl);
    const std::size_t at = out_.size();
    Put16(0);
    return at;
  }
  void PatchLength(std::size_t at) {
    const std::size_t len = out_.size() - at - 2;
    out_[at] = static_cast<std::uint8_t>(len >> 8);
    out_[at + 1] = static_cast<std::uint8_t>(len & 0xFF);
  }
  // section: 4 = question, 6 = answer, 8 = authority, 10 = additional (header offsets)
  void Count(std::size_t section) {
    const std::uint16_t v = static_cast<std::uint16_t>(Get16(&out_[section]) + 1);
    out_[section] = static_cast<std::uint8_t>(v >> 8);
    out_[section + 1] = static_cast<std::uint8_t>(v & 0xFF);
  }
  std::size_t Size() const { return out_.size(); }
  void TruncateTo(std::size_t size) { out_.resize(size); }
  Bytes& Out() { return out_; }

 private:
  Bytes& out_;
};

constexpr std::size_t kAnswer = 6;
constexpr std::size_t kAuthority = 8;
constexpr std::size_t kAdditional = 10;

void WriteOpt(ResponseWriter& w, const WireQuery& q, std::uint16_t rcode, std::optional<std::uint8_t> scope) {
  w.Out().push_back(0);  // the owner: the root name
  w.Put16(kTypeOpt);
  w.Put16(kResponseUdpSize);
  // TTL: extended rcode (upper 8 of 12 bits), version 0, DO echoed (RFC 3225).
  w.Put32((static_cast<std::uint32_t>(rcode >> 4) << 24) | (q.dnssec_ok ? 0x8000u : 0u));
  const std::size_t rdlen_at = w.Size();
  w.Put16(0);
  if (q.client_subnet && rcode != kRcodeBadVers) {
    const ClientSubnetOption& ecs = *q.client_subnet;
    w.Put16(kEdnsClientSubnet);
    w.Put16(static_cast<std::uint16_t>(4 + ecs.address_size));
    w.Put16(ecs.family);
    w.Out().push_back(ecs.source_prefix_length);
    w.Out().push_back(scope.value_or(0));
    w.Out().insert(w.Out().end(), ecs.address.begin(), ecs.address.begin() + ecs.address_size);
  }
  w.PatchLength(rdlen_at);
  w.Count(kAdditional);
}

void WriteSoa(ResponseWriter& w, const AuthoritativeConfig& zone, std::uint32_t serial, std::uint32_t ttl,
              std::size_t section) {
  w.Name(EncodeDnsName(zone.zone));
  const std::size_t at = w.RrFixed(kTypeSoa, kClassIn, ttl);
  w.Name(EncodeDnsName(zone.apex.mname));
  w.Name(EncodeDnsName(zone.apex.rname));
  w.Put32(serial);
  w.Put32(zone.apex.refresh_s);
  w.Put32(zone.apex.retry_s);
  w.Put32(zone.apex.expire_s);
  w.Put32(zone.apex.minimum_s);
  w.PatchLength(at);
  w.Count(section);
}

void WriteA(ResponseWriter& w, const Bytes* owner, Ipv4Address a, std::uint32_t ttl, std::size_t section) {
  if (owner == nullptr) {
    w.QuestionNamePointer();
  } else {
    w.Name(*owner);
  }
  const std::size_t at = w.RrFixed(kTypeA, kClassIn, ttl);
  w.Put32(a.value);
  w.PatchLength(at);
  w.Count(section);
}

std::uint8_t Flags1(const WireQuery& q, bool authoritative, bool truncated) {
  return static_cast<std::uint8_t>(0x80 | (q.opcode << 3) | (authoritative ? 0x04 : 0) | (truncated ? 0x02 : 0) |
                                   (q.recursion_desired ? 0x01 : 0));
}
std::uint8_t Flags2(const WireQuery& q, std::uint16_t rcode) {
  return static_cast<std::uint8_t>((q.checking_disabled ? 0x10 : 0) | (rcode & 0x0F));
}

}  // namespace

Bytes EncodeDnsName(const std::string& name) {
  Bytes out;
  std::size_t start = 0;
  const std::string n = !name.empty() && name.back() == '.' ? name.substr(0, name.size() - 1) : name;
  while (!n.empty() && start <= n.size()) {
    const std::size_t dot = n.find('.', start);
    const std::size_t end = dot == std::string::npos ? n.size() : dot;
    const std::size_t len = end - start;
    if (len == 0 || len > 63) return {};
    out.push_back(static_cast<std::uint8_t>(len));
    out.insert(out.end(), n.begin() + static_cast<std::ptrdiff_t>(start), n.begin() + static_cast<std::ptrdiff_t>(end));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  out.push_back(0);
  if (out.size() > kMaxName) return {};
  return out;
}

ParsedQuery ParseDnsQuery(const std::uint8_t* data, std::size_t size) {
  ParsedQuery p;
  if (data == nullptr || size < kHeaderBytes) {
    p.why = "shorter than a DNS header";
    return p;
  }
  WireQuery& q = p.query;
  q.id = Get16(data);
  q.opcode = (data[2] >> 3) & 0x0F;
  q.recursion_desired = (data[2] & 0x01) != 0;
  q.checking_disabled = (data[3] & 0x10) != 0;
  if ((data[2] & 0x80) != 0) {
    p.why = "a response, not a query";  // answering responses invites reflection loops
    return p;
  }
  const std::uint16_t qdcount = Get16(data + 4);
  const std::size_t records = static_cast<std::size_t>(Get16(data + 6)) + Get16(data + 8);
  const std::uint16_t arcount = Get16(data + 10);
  std::size_t at = kHeaderBytes;

  // The question (exactly one, RFC 1035 4.1.2; more is FORMERR, as every server does).
  if (qdcount != 1) return Refuse(p, kFormErr, "question count is not 1");
  const std::size_t name_size = ReadQuestionName(data + at, size - at, q.question.qname);
  if (name_size == 0) return Refuse(p, kFormErr, "malformed question name");
  if (size - at - name_size < 4) return Refuse(p, kFormErr, "question runs past the message");
  q.question.qtype = Get16(data + at + name_size);
  const std::uint16_t qclass = Get16(data + at + name_size + 2);
  q.question_size = name_size + 4;
  std::copy(data + at, data + at + q.question_size, q.question_wire.begin());
  at += q.question_size;

  // Answer and authority records are not expected in a query; they are skipped, not trusted.
  for (std::size_t i = 0; i < records + arcount; ++i) {
    const std::size_t owner = SkipName(data + at, size - at);
    if (owner == 0 || size - at - owner < 10) return Refuse(p, kFormErr, "record runs past the message");
    const std::uint8_t* fixed = data + at + owner;
    const std::uint16_t type = Get16(fixed);
    const std::uint16_t rdlen = Get16(fixed + 8);
    if (size - at - owner - 10 < rdlen) return Refuse(p, kFormErr, "record data runs past the message");
    if (i >= records && type == kTypeOpt) {
      if (q.has_edns) {
        q.client_subnet.reset();
        q.question.client_subnet.reset();
        return Refuse(p, kFormErr, "more than one OPT record");  // RFC 6891 6.1.1
      }
      if (const char* problem = ReadOpt(data + at, owner, fixed + 10, rdlen, q)) {
        q.client_subnet.reset();
        q.question.client_subnet.reset();
        return Refuse(p, kFormErr, problem);
      }
    }
    at += owner + 10 + rdlen;
  }
  if (at != size) return Refuse(p, kFormErr, "bytes after the last record");
  if (q.has_edns && q.edns_version != 0) return Refuse(p, kRcodeBadVers, "EDNS version is not 0");
  if (q.opcode != kQueryOpcode) return Refuse(p, static_cast<std::uint16_t>(DnsRcode::kNotImp), "opcode is not QUERY");
  if (qclass != kClassIn) return Refuse(p, static_cast<std::uint16_t>(DnsRcode::kRefused), "class is not IN");
  p.verdict = QueryVerdict::kAnswer;
  return p;
}

Bytes BuildDnsResponse(const WireQuery& query, const DnsAnswer& answer, const AuthoritativeConfig& zone,
                       std::uint32_t serial, bool over_udp) {
  Bytes out;
  out.reserve(512);
  WriteDnsResponse(query, answer, zone, serial, over_udp, out);
  return out;
}

void WriteDnsResponse(const WireQuery& query, const DnsAnswer& answer, const AuthoritativeConfig& zone,
                      std::uint32_t serial, bool over_udp, Bytes& out) {
  const std::size_t limit = over_udp ? (query.has_edns ? query.udp_payload_size : 512) : 65535;
  const auto rcode = static_cast<std::uint16_t>(answer.rcode);
  const bool authoritative = answer.rcode != DnsRcode::kRefused;
  ResponseWriter w(out);
  w.Header(query.id, Flags1(query, authoritative, false), Flags2(query, rcode));
  w.Question(query);

  const auto ttl = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(answer.ttl).count());
  const std::uint32_t negative_ttl = std::min(zone.apex.ttl_s, zone.apex.minimum_s);  // RFC 2308 section 3
  bool negative = answer.rcode == DnsRcode::kNxDomain;
  if (answer.rcode == DnsRcode::kNoError) {
    switch (answer.data) {
      case DnsAnswerData::kAddresses:
        for (const auto& a : answer.addresses) WriteA(w, nullptr, a, ttl, kAnswer);
        for (const auto& a : answer.addresses6) {
          w.QuestionNamePointer();
          const std::size_t at = w.RrFixed(kTypeAaaa, kClassIn, ttl);
          w.Out().insert(w.Out().end(), a.bytes.begin(), a.bytes.end());
          w.PatchLength(at);
          w.Count(kAnswer);
        }
        negative = answer.addresses.empty() && answer.addresses6.empty();
        break;
      case DnsAnswerData::kApexSoa:
        WriteSoa(w, zone, serial, ttl, kAnswer);
        break;
      case DnsAnswerData::kApexNs:
        for (const auto& ns : zone.apex.name_servers) {
          w.QuestionNamePointer();
          const std::size_t at = w.RrFixed(kTypeNs, kClassIn, ttl);
          w.Name(EncodeDnsName(ns.name));
          w.PatchLength(at);
          w.Count(kAnswer);
        }
        for (const auto& ns : zone.apex.name_servers) {  // glue for in-zone name servers
          const Bytes owner = EncodeDnsName(ns.name);
          for (const auto& a : ns.glue) WriteA(w, &owner, a, ttl, kAdditional);
        }
        break;
    }
  }
  if (negative) WriteSoa(w, zone, serial, negative_ttl, kAuthority);
  if (query.has_edns) WriteOpt(w, query, rcode, answer.scope_prefix_length);
  if (w.Size() <= limit) return;

  // Too large for the client's UDP buffer: header, question and OPT only, TC set (RFC 2181 9).
  w.Header(query.id, Flags1(query, authoritative, true), Flags2(query, rcode));
  w.Question(query);
  if (query.has_edns) WriteOpt(w, query, rcode, answer.scope_prefix_length);
}

Bytes BuildDnsError(const ParsedQuery& parsed) {
  Bytes out;
  WriteDnsError(parsed, out);
  return out;
}

void WriteDnsError(const ParsedQuery& parsed, Bytes& out) {
  const WireQuery& q = parsed.query;
  ResponseWriter w(out);
  w.Header(q.id, Flags1(q, false, false), Flags2(q, parsed.error_rcode));
  if (q.question_size > 0) w.Question(q);
  if (q.has_edns) WriteOpt(w, q, parsed.error_rcode, std::nullopt);
}

}  // namespace cdnlab
