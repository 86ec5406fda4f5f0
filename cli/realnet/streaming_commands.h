#pragma once
#include <CLI/CLI.hpp>

namespace cdnlab::cli {

// `cdnlab realnet stream-ingest | stream-balancer | stream-cache`: scalable, redundant live
// streaming on real sockets: ingests behind one load-balanced virtual address that accept
// ffmpeg's HLS uploads, the announcement channel, and edge/mid-tier HTTP caches for real
// players. One process per server; nothing lists the ingests but the balancer, which learns
// them as they register.
void AddStreamingCommands(CLI::App* realnet);

}  // namespace cdnlab::cli
