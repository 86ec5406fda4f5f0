#pragma once
// The command agent on one server: applies ApplyToServer to its content store, only to
// objects of the configurations named, and answers with a ServerResult (for a statistics
// trigger: changes nothing and reports, per configuration named, the selected objects and how
// many are stale). Idempotent: a repeated command_id is answered again from the remembered
// result without re-applying.
#include <map>
#include <string>
#include <vector>

#include "models/federation/content_store.h"
#include "models/federation/catalog.h"
#include "models/federation/messenger.h"
#include "models/ports/clock.h"
#include "models/ports/metrics_sink.h"

namespace cdnlab {

class ServerAgent {
 public:
  // `node` is the agent's node id in the directory; `server` its FederationServer id.
  ServerAgent(std::string server, std::string node, const FederationCatalog& catalog, FederationMessenger& messenger,
              ContentStore& store, const Clock& clock, MetricsSink& metrics);

  void Start();
  void Stop();

  // What the agent did, for tests and for the simulation's wrong-target check.
  struct Applied {
    std::string command_id;
    std::string from_node;
    std::vector<std::string> configurations;
    std::uint64_t objects_affected = 0;
  };
  const std::vector<Applied>& AppliedCommands() const { return applied_; }
  const std::string& ServerId() const { return server_; }

 private:
  void OnMessage(const std::string& from_node, const FederationMessage& message);
  ServerResult Apply(const ApplyToServer& command);

  std::string server_;
  std::string node_;
  const FederationCatalog& catalog_;
  FederationMessenger& messenger_;
  ContentStore& store_;
  const Clock& clock_;
  MetricsSink& metrics_;
  std::map<std::string, ServerResult> results_;  // by command_id
  std::vector<Applied> applied_;
};

// Whether a cached URL is selected by a trigger's content entries (urls, patterns, ccids),
// shared by every ContentStore user so the rules cannot drift. A listed URL matches whatever
// its scheme (http/https) and host case; patterns apply to the URL as stored.
bool TriggerSelectsContent(const TriggerSpec& trigger, const CachedObject& object);

}  // namespace cdnlab
