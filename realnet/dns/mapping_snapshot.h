#pragma once
// A mapping version as one signed document, so any number of DNS servers can follow the
// controller and keep answering from the last good one while it is gone:
//   {"format": "cdnlab-mapping-snapshot/1", "signer": "controller",
//    "body": "<JSON text of the snapshot>", "signature": "<hex Ed25519 over the body's bytes>"}
// The body carries everything a DNS server answers from: version, zone, hostname, TTL,
// whether ECS is honoured and scopes aggregated, the apex, the PoPs' servers and every row. Opening checks
// the signature before reading anything, then reads the body strictly: a snapshot is taken
// whole or refused with the reason, never half-applied.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/federation/identity.h"
#include "models/routing/authoritative_answerer.h"
#include "models/routing/mapping_diff.h"

namespace cdnlab {

struct MappingSnapshot {
  std::uint64_t version = 0;
  AuthoritativeConfig dns;
  std::vector<PopInfo> pops;  // id and servers
  std::vector<MappingEntry> rows;

  // The answerer this snapshot describes (its table at `version`).
  AuthoritativeAnswerer Answerer() const;
};

// Why a snapshot was refused; kNone when it was opened.
enum class SnapshotRefusal { kNone, kCorrupt, kUnsigned, kUnknownSigner, kBadSignature, kInvalid };
const char* SnapshotRefusalName(SnapshotRefusal r);  // "corrupt", "unsigned", ...

struct OpenedSnapshot {
  SnapshotRefusal refusal = SnapshotRefusal::kNone;
  std::string error;  // what exactly, for logs
  MappingSnapshot snapshot;
};

// The signed document; throws std::invalid_argument when `identity` cannot sign as `signer`.
std::string SignSnapshot(const MappingSnapshot& snapshot, const FederationIdentity& identity, const std::string& signer);
// Never throws on hostile input. `signer` is the only signer accepted.
OpenedSnapshot OpenSnapshot(const std::string& text, const FederationIdentity& identity, const std::string& signer);

}  // namespace cdnlab
