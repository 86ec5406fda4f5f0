#include "models/core/json_walk.h"

namespace cdnlab::json_walk {

void Fail(const std::string& path, const std::string& message) { throw Failure{path, message}; }

std::string Join(const std::string& path, const std::string& member) {
  return path.empty() ? member : path + "." + member;
}

std::string At(const std::string& path, std::size_t index) { return path + "[" + std::to_string(index) + "]"; }

void RequireObject(const nlohmann::json& j, const std::string& path, std::initializer_list<const char*> allowed) {
  if (!j.is_object()) Fail(path, "expected an object");
  for (const auto& item : j.items()) {
    bool known = false;
    for (const char* name : allowed) known = known || item.key() == name;
    if (!known) Fail(Join(path, item.key()), "unknown member");
  }
}

const nlohmann::json* Optional(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

const nlohmann::json& Required(const nlohmann::json& object, const std::string& path, const char* name) {
  const nlohmann::json* member = Optional(object, name);
  if (!member) Fail(Join(path, name), "missing (required)");
  return *member;
}

}  // namespace cdnlab::json_walk
