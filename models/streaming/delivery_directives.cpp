#include "models/streaming/delivery_directives.h"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "models/core/decimal_digits.h"

namespace cdnlab {

std::string DeliveryDirectives::Canonical() const {
  std::string out;
  auto add = [&out](const std::string& param) { out += (out.empty() ? "" : "&") + param; };
  if (msn) add(fmt::format("_HLS_msn={}", *msn));
  if (part) add(fmt::format("_HLS_part={}", *part));
  if (skip) add("_HLS_skip=YES");
  return out;
}

ParsedDirectives ParseDeliveryDirectives(const std::string& target) {
  ParsedDirectives parsed;
  const auto question = target.find('?');
  if (question == std::string::npos) return parsed;
  const std::string query = target.substr(question + 1);
  std::size_t from = 0;
  while (from <= query.size()) {
    const auto amp = query.find('&', from);
    const std::string param = query.substr(from, amp == std::string::npos ? std::string::npos : amp - from);
    const auto eq = param.find('=');
    const std::string name = param.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : param.substr(eq + 1);
    if (name == "_HLS_msn") {
      parsed.directives.msn = ParseDecimalDigits(value);
      if (!parsed.directives.msn) parsed.error = "_HLS_msn must be a decimal media sequence number";
    } else if (name == "_HLS_part") {
      auto part = ParseDecimalDigits(value);
      if (!part || *part > std::numeric_limits<std::uint32_t>::max()) {
        parsed.error = "_HLS_part must be a decimal part index";
      } else {
        parsed.directives.part = static_cast<std::uint32_t>(*part);
      }
    } else if (name == "_HLS_skip") {
      if (value != "YES" && value != "v2") parsed.error = "_HLS_skip must be YES or v2";
      parsed.directives.skip = true;
    }
    if (!parsed.error.empty()) return parsed;
    if (amp == std::string::npos) break;
    from = amp + 1;
  }
  if (parsed.directives.part && !parsed.directives.msn) parsed.error = "_HLS_part needs _HLS_msn";
  return parsed;
}

bool Satisfies(const LowLatencyPlaylist& playlist, const DeliveryDirectives& directives) {
  if (!directives.msn) return true;
  if (playlist.base.ended) return true;  // nothing more will come: answer with what there is
  const std::uint64_t msn = *directives.msn;
  const auto last = playlist.base.LastSequence();
  if (last && msn <= *last) return true;  // segment msn is complete (all its parts with it)
  if (!directives.part) return false;
  const auto newest = playlist.LastPart();
  return newest && !(PartPosition{newest->sequence, newest->index} < PartPosition{msn, *directives.part});
}

ReloadDecision DecideReload(const LowLatencyPlaylist& playlist, const DeliveryDirectives& directives) {
  if (Satisfies(playlist, directives)) return ReloadDecision::kAnswerNow;
  const std::uint64_t msn = *directives.msn;
  const auto last = playlist.base.LastSequence();
  // Before the first complete segment the open one counts as "last + 1".
  const std::uint64_t last_or_before = last ? *last : playlist.OpenSequence() - (playlist.OpenSequence() > 0 ? 1 : 0);
  if (msn > last_or_before + 2) return ReloadDecision::kTooFarAhead;
  if (directives.part) {
    // Advance Part Limit: 3 / PART-TARGET (in seconds) when PART-TARGET < 1 s, else 3.
    const double part_s = ToSeconds(playlist.part_target);
    const std::uint64_t limit = part_s > 0 && part_s < 1 ? static_cast<std::uint64_t>(std::ceil(3 / part_s)) : 3;
    const auto newest = playlist.LastPart();
    std::uint64_t newest_index = 0;  // parts counted within the asked segment
    if (newest && newest->sequence == msn) newest_index = newest->index;
    if (*directives.part > newest_index + limit) return ReloadDecision::kTooFarAhead;
  }
  return ReloadDecision::kHold;
}

Duration BlockingReloadBound(Duration target_duration) { return 3 * target_duration; }

}  // namespace cdnlab
