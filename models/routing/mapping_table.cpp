#include "models/routing/mapping_table.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cdnlab {

MappingTable::MappingTable(const MappingTable& other) : rows_(other.rows_), version_(other.version_) {
  RebuildIndex();  // the index points into this table's own rows
}

MappingTable& MappingTable::operator=(const MappingTable& other) {
  if (this != &other) {
    rows_ = other.rows_;
    version_ = other.version_;
    RebuildIndex();
  }
  return *this;
}

template <typename Key, std::size_t kLengths>
void MappingTable::LengthIndex<Key, kLengths>::Add(std::uint8_t length, Key network, const MappingEntry* row) {
  auto& index = by_length[length];
  if (index.empty()) {
    lengths_in_use.push_back(length);
    std::sort(lengths_in_use.begin(), lengths_in_use.end(), std::greater<>());
  }
  index[network] = row;
}

template <typename Key, std::size_t kLengths>
void MappingTable::LengthIndex<Key, kLengths>::Remove(std::uint8_t length, Key network) {
  auto& index = by_length[length];
  index.erase(network);
  if (index.empty()) lengths_in_use.erase(std::find(lengths_in_use.begin(), lengths_in_use.end(), length));
}

template <typename Key, std::size_t kLengths>
void MappingTable::LengthIndex<Key, kLengths>::Clear() {
  for (auto& index : by_length) index.clear();
  lengths_in_use.clear();
}

void MappingTable::RebuildIndex() {
  v4_.Clear();
  v6_.Clear();
  for (const auto& [prefix, row] : rows_) Index(row);
}

void MappingTable::Index(const MappingEntry& row) {
  const IpPrefix& p = row.prefix;
  if (p.IsV4()) {
    v4_.Add(p.Length(), p.V4().network.value, &row);
  } else {
    v6_.Add(p.Length(), p.FirstBits(), &row);
  }
}

void MappingTable::Unindex(const IpPrefix& prefix) {
  if (prefix.IsV4()) {
    v4_.Remove(prefix.Length(), prefix.V4().network.value);
  } else {
    v6_.Remove(prefix.Length(), prefix.FirstBits());
  }
}

MappingDiff MappingTable::Replace(const std::vector<MappingEntry>& entries) {
  std::map<IpPrefix, MappingEntry> next;
  for (const auto& e : entries) next[e.prefix] = e;

  MappingDiff diff;
  diff.from_version = version_;
  for (const auto& [prefix, row] : next) {
    auto it = rows_.find(prefix);
    if (it == rows_.end() || it->second.ranked_pops != row.ranked_pops) diff.upserts.push_back(row);
  }
  for (const auto& [prefix, row] : rows_) {
    if (next.count(prefix) == 0) diff.removals.push_back(prefix);
  }
  if (!diff.Empty()) {
    rows_ = std::move(next);
    RebuildIndex();
    ++version_;
  }
  diff.to_version = version_;
  return diff;
}

MappingDiff MappingTable::Restore(const std::vector<MappingEntry>& entries, std::uint64_t version) {
  if (version < version_) {
    throw std::invalid_argument("MappingTable::Restore: version " + std::to_string(version) + " is below the current " +
                                std::to_string(version_));
  }
  MappingDiff diff = Replace(entries);
  version_ = version;
  diff.to_version = version;
  return diff;
}

bool MappingTable::Apply(const MappingDiff& diff) {
  if (diff.from_version != version_ || diff.to_version < diff.from_version) return false;
  for (const auto& prefix : diff.removals) {
    if (rows_.erase(prefix) > 0) Unindex(prefix);
  }
  for (const auto& e : diff.upserts) {
    auto [it, inserted] = rows_.insert_or_assign(e.prefix, e);
    if (inserted) Index(it->second);  // an existing row keeps its node, so its index entry stays right
  }
  version_ = diff.to_version;
  return true;
}

const MappingEntry* MappingTable::Lookup(Ipv4Address address) const {
  for (const std::uint8_t len : v4_.lengths_in_use) {
    const auto& index = v4_.by_length[len];
    auto it = index.find(Ipv4Prefix::Of(address, len).network.value);
    if (it != index.end()) return it->second;
  }
  return nullptr;
}

const MappingEntry* MappingTable::Lookup(const IpAddress& address) const {
  if (address.IsV4()) return Lookup(address.V4());
  const AddressBits bits = address.Bits();
  for (const std::uint8_t len : v6_.lengths_in_use) {
    const auto& index = v6_.by_length[len];
    auto it = index.find(bits & PrefixMaskBits(128, len));
    if (it != index.end()) return it->second;
  }
  return nullptr;
}

const MappingEntry* MappingTable::Find(const IpPrefix& prefix) const {
  auto it = rows_.find(prefix);
  return it == rows_.end() ? nullptr : &it->second;
}

std::vector<MappingEntry> MappingTable::Entries() const {
  std::vector<MappingEntry> out;
  out.reserve(rows_.size());
  for (const auto& [prefix, row] : rows_) out.push_back(row);
  return out;
}

}  // namespace cdnlab
