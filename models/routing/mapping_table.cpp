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
  // The entries in prefix order, the last of equal prefixes winning (as assigning each in turn
  // to a map would). The order of the previous call is tried first: a controller publishes the
  // same prefixes in the same order every round, and checking it costs one pass, not a sort.
  std::vector<std::uint32_t>& order = replace_order_;
  const auto before = [&entries](std::uint32_t a, std::uint32_t b) { return entries[a].prefix < entries[b].prefix; };
  bool reuse = order.size() == entries.size();
  for (std::size_t i = 1; reuse && i < order.size(); ++i) reuse = before(order[i - 1], order[i]);
  std::vector<std::uint32_t> deduplicated;
  if (!reuse) {
    order.resize(entries.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), before);
    // Of equal prefixes keep the last (the stable sort left them in input order); such an
    // order is not kept for the next call, which sorts again.
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (i + 1 < order.size() && !before(order[i], order[i + 1])) continue;
      deduplicated.push_back(order[i]);
    }
    if (deduplicated.size() == order.size()) {
      deduplicated.clear();
    } else {
      order.clear();
    }
  }
  const std::vector<std::uint32_t>& next = order.empty() ? deduplicated : order;

  // One merge of the sorted entries with the sorted rows: upserts and removals in prefix order.
  MappingDiff diff;
  diff.from_version = version_;
  auto row = rows_.begin();
  for (const std::uint32_t i : next) {
    const MappingEntry& e = entries[i];
    while (row != rows_.end() && row->first < e.prefix) diff.removals.push_back((row++)->first);
    if (row != rows_.end() && row->first == e.prefix) {
      if (row->second.ranked_pops != e.ranked_pops) diff.upserts.push_back(e);
      ++row;
    } else {
      diff.upserts.push_back(e);
    }
  }
  while (row != rows_.end()) diff.removals.push_back((row++)->first);
  if (!diff.Empty()) {
    // In place: the rows and index entries of unchanged prefixes stay as they are.
    for (const auto& prefix : diff.removals) {
      rows_.erase(prefix);
      Unindex(prefix);
    }
    for (const auto& e : diff.upserts) {
      auto [it, inserted] = rows_.insert_or_assign(e.prefix, e);
      if (inserted) Index(it->second);
    }
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
