#pragma once
// What a gateway does with an incoming trigger before anything runs: the loop check, the
// platform's supported features, and authorization entry by entry. A participant may
// command only what it owns: a content provider its own configurations at the platform it
// contracts with; a platform the configurations it delegated to this one. Everything
// refused is reported with the RFC's error code and nothing is done for it.
#include <set>
#include <string>
#include <vector>

#include "models/federation/catalog.h"
#include "models/federation/trigger_command.h"

namespace cdnlab {

struct AdmissionResult {
  // Configurations deployed on this platform that the command applies to (sorted).
  std::vector<std::string> configurations;
  // Refused entries: ereject (loop), eunsupported, eperm, emeta. When `configurations` is
  // empty and errors are present the command fails as a whole.
  std::vector<TriggerError> errors;
  // True when nothing at all may run (loop, unsupported type): the command fails at once.
  bool rejected = false;
  // The trigger with every refused entry removed: what servers and downstreams receive, so
  // a refused entry can never take effect further down the chain.
  TriggerSpec admitted;
};

AdmissionResult AdmitTrigger(const FederationCatalog& catalog, const std::string& platform,
                             const std::string& principal, const TriggerCommand& command);

// The entries of `trigger` that refer to at least one of `configurations`: what is
// forwarded to a downstream platform, which only carries the configurations delegated to it.
TriggerSpec RestrictTrigger(const FederationCatalog& catalog, const TriggerSpec& trigger,
                            const std::set<std::string>& configurations);

// The configurations `principal` may command on `platform` (see above).
std::vector<std::string> CommandableConfigurations(const FederationCatalog& catalog, const std::string& platform,
                                                   const std::string& principal);

}  // namespace cdnlab
