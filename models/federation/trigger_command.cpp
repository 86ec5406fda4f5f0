#include "models/federation/trigger_command.h"

#include <algorithm>
#include <array>
#include <utility>

namespace cdnlab {
namespace {

template <typename E, std::size_t N>
std::optional<E> Lookup(const std::array<std::pair<E, const char*>, N>& table, const std::string& text) {
  for (const auto& [value, name] : table) {
    if (text == name) return value;
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
std::string NameOf(const std::array<std::pair<E, const char*>, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "?";
}

// The RFC's spellings (and cdnlab's extension type), in one place for both directions.
constexpr std::array<std::pair<TriggerType, const char*>, 4> kTypes{{
    {TriggerType::kPreposition, "preposition"},
    {TriggerType::kInvalidate, "invalidate"},
    {TriggerType::kPurge, "purge"},
    {TriggerType::kStatistics, "statistics"},
}};
constexpr std::array<std::pair<TriggerStatus, const char*>, 7> kStatuses{{
    {TriggerStatus::kPending, "pending"},
    {TriggerStatus::kActive, "active"},
    {TriggerStatus::kComplete, "complete"},
    {TriggerStatus::kProcessed, "processed"},
    {TriggerStatus::kFailed, "failed"},
    {TriggerStatus::kCancelling, "cancelling"},
    {TriggerStatus::kCancelled, "cancelled"},
}};
constexpr std::array<std::pair<TriggerErrorCode, const char*>, 7> kErrors{{
    {TriggerErrorCode::kEmeta, "emeta"},
    {TriggerErrorCode::kEcontent, "econtent"},
    {TriggerErrorCode::kEperm, "eperm"},
    {TriggerErrorCode::kEreject, "ereject"},
    {TriggerErrorCode::kEcdn, "ecdn"},
    {TriggerErrorCode::kEcanceled, "ecanceled"},
    {TriggerErrorCode::kEunsupported, "eunsupported"},
}};

}  // namespace

std::string ToString(TriggerType type) { return NameOf(kTypes, type); }
std::string TypeName(const TriggerSpec& spec) {
  return spec.type == TriggerType::kUnknown ? spec.unknown_type : ToString(spec.type);
}
std::string ToString(TriggerStatus status) { return NameOf(kStatuses, status); }
std::string ToString(TriggerErrorCode code) { return NameOf(kErrors, code); }
std::optional<TriggerType> ParseTriggerType(const std::string& text) { return Lookup(kTypes, text); }
std::optional<TriggerStatus> ParseTriggerStatus(const std::string& text) { return Lookup(kStatuses, text); }
std::optional<TriggerErrorCode> ParseTriggerErrorCode(const std::string& text) { return Lookup(kErrors, text); }

bool CdnPathContains(const TriggerCommand& command, const std::string& self) {
  return std::find(command.cdn_path.begin(), command.cdn_path.end(), self) != command.cdn_path.end();
}

}  // namespace cdnlab
