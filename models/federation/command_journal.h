#pragma once
// Durable storage of a gateway's command records, so pending commands survive a restart.
// realnet keeps them in SQLite; simulations and tests use the in-memory journal below,
// which outlives the gateway object exactly like a file outlives a process.
#include <map>
#include <string>
#include <vector>

namespace cdnlab {

class CommandJournal {
 public:
  virtual ~CommandJournal() = default;
  // Stores the encoded record under its id, replacing an older version; durable on return.
  virtual void Save(const std::string& id, const std::string& encoded_record) = 0;
  // Every stored record, in id insertion order.
  virtual std::vector<std::string> LoadAll() const = 0;
};

class InMemoryCommandJournal final : public CommandJournal {
 public:
  void Save(const std::string& id, const std::string& encoded_record) override {
    if (records_.emplace(id, encoded_record).second) order_.push_back(id);
    else records_[id] = encoded_record;
  }
  std::vector<std::string> LoadAll() const override {
    std::vector<std::string> out;
    for (const auto& id : order_) out.push_back(records_.at(id));
    return out;
  }
  std::size_t Writes() const { return order_.size(); }

 private:
  std::map<std::string, std::string> records_;
  std::vector<std::string> order_;
};

}  // namespace cdnlab
