#pragma once
// The CDNI trigger objects of RFC 8007 (Control Interface / Triggers), as plain data: a
// trigger specification (what to do, to which metadata/content), the command that carries
// it with its cdn-path, and the status resource a downstream CDN keeps for it. Their JSON
// forms (RFC shapes and cdnlab's envelopes) are in federation_codec.h.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/core/sim_time.h"
#include "models/federation/pattern_match.h"

namespace cdnlab {

// RFC 8007's three types, plus cdnlab's extension kStatistics ("statistics"): counts the cached
// and stale objects the trigger selects on every server carrying the configuration, changes
// nothing, and brings the per-server numbers back to the issuer. A platform runs it only when
// it opts in (FederationPlatform::supported_types); any other answers eunsupported, as an
// RFC-only peer would. kUnknown is any other name (kept in TriggerSpec::unknown_type): RFC 8007
// section 5.2.6 makes it a status resource that fails with "eunsupported", not a refused request.
enum class TriggerType { kPreposition, kInvalidate, kPurge, kStatistics, kUnknown };

// The "status" of a Trigger Status Resource.
enum class TriggerStatus { kPending, kActive, kComplete, kProcessed, kFailed, kCancelling, kCancelled };

// The "error" of an Error Description.
enum class TriggerErrorCode { kEmeta, kEcontent, kEperm, kEreject, kEcdn, kEcanceled, kEunsupported };

struct TriggerSpec {
  TriggerType type = TriggerType::kInvalidate;
  std::string unknown_type;  // the "type" as sent, when type is kUnknown
  std::vector<std::string> metadata_urls;          // "metadata.urls"
  std::vector<std::string> content_urls;           // "content.urls"
  std::vector<std::string> content_ccids;          // "content.ccid"
  std::vector<PatternMatch> metadata_patterns;     // "metadata.patterns"
  std::vector<PatternMatch> content_patterns;      // "content.patterns"
  // Members this version does not know (name -> JSON text). RFC 8007 section 5: ignored
  // while processing, and passed on unchanged to downstream CDNs in a cascade.
  std::map<std::string, std::string> extensions;

  bool Empty() const {
    return metadata_urls.empty() && content_urls.empty() && content_ccids.empty() && metadata_patterns.empty() &&
           content_patterns.empty();
  }
};

struct TriggerCommand {
  TriggerSpec trigger;
  std::vector<std::string> cdn_path;  // CDN provider ids the command has passed, upstream first
};

struct TriggerError {
  TriggerErrorCode code = TriggerErrorCode::kEcdn;
  std::vector<std::string> metadata_urls;
  std::vector<std::string> content_urls;
  std::vector<PatternMatch> metadata_patterns;
  std::vector<PatternMatch> content_patterns;
  std::vector<std::string> server_ids;  // cdnlab's addition: the servers this error applies to
  std::string description;
};

std::string ToString(TriggerType type);
// The "type" member of a spec: the RFC/cdnlab name, or the unknown name as it was sent.
std::string TypeName(const TriggerSpec& spec);
std::string ToString(TriggerStatus status);
std::string ToString(TriggerErrorCode code);
std::optional<TriggerType> ParseTriggerType(const std::string& text);
std::optional<TriggerStatus> ParseTriggerStatus(const std::string& text);
std::optional<TriggerErrorCode> ParseTriggerErrorCode(const std::string& text);

// A command whose cdn-path already names `self` has been here before: accepting it would
// loop between CDNs, so it is rejected (error "ereject").
bool CdnPathContains(const TriggerCommand& command, const std::string& self);

}  // namespace cdnlab
