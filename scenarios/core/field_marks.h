#pragma once
#include <map>
#include <string>

#include <yaml-cpp/yaml.h>

namespace cdnlab {

// Where each field was written ("client_groups[3].resolver" -> line/column), so checks that
// run after parsing (references, overlaps, reachability) can still point at the text.
class FieldMarks {
 public:
  void Remember(const std::string& field, const YAML::Mark& mark) { marks_[field] = mark; }
  bool Has(const std::string& field) const { return marks_.count(field) != 0; }
  YAML::Mark Of(const std::string& field) const {
    auto it = marks_.find(field);
    return it == marks_.end() ? YAML::Mark::null_mark() : it->second;
  }

 private:
  std::map<std::string, YAML::Mark> marks_;
};

}  // namespace cdnlab
