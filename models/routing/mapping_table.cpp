#include "models/routing/mapping_table.h"

#include <algorithm>

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

void MappingTable::RebuildIndex() {
  for (auto& index : by_length_) index.clear();
  lengths_in_use_.clear();
  for (const auto& [prefix, row] : rows_) Index(row);
}

void MappingTable::Index(const MappingEntry& row) {
  auto& index = by_length_[row.prefix.length];
  if (index.empty()) {
    lengths_in_use_.push_back(row.prefix.length);
    std::sort(lengths_in_use_.begin(), lengths_in_use_.end(), std::greater<>());
  }
  index[row.prefix.network.value] = &row;
}

void MappingTable::Unindex(const Ipv4Prefix& prefix) {
  auto& index = by_length_[prefix.length];
  index.erase(prefix.network.value);
  if (index.empty()) lengths_in_use_.erase(std::find(lengths_in_use_.begin(), lengths_in_use_.end(), prefix.length));
}

MappingDiff MappingTable::Replace(const std::vector<MappingEntry>& entries) {
  std::map<Ipv4Prefix, MappingEntry> next;
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
  for (const std::uint8_t len : lengths_in_use_) {
    const auto& index = by_length_[len];
    auto it = index.find(Ipv4Prefix::Of(address, len).network.value);
    if (it != index.end()) return it->second;
  }
  return nullptr;
}

const MappingEntry* MappingTable::Find(const Ipv4Prefix& prefix) const {
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
