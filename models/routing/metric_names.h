#pragma once
// The metric names the routing models emit; analysis/ reads exactly these.
namespace cdnlab::metric {

// counters
inline constexpr const char* kProbePackets = "probe.packets";     // requests sent + replies received
inline constexpr const char* kProbeBytes = "probe.bytes";
inline constexpr const char* kProbeTrains = "probe.trains";
inline constexpr const char* kMappingUpdates = "routing.mapping_updates";        // non-empty diffs pushed
inline constexpr const char* kMappingRowsChanged = "routing.mapping_rows_changed";  // rows in those diffs
inline constexpr const char* kDownloadFailed = "download.failed";
inline constexpr const char* kDnsFailed = "dns.failed";
inline constexpr const char* kDownloadCompletedIpv6 = "download.completed_ipv6";  // downloads over IPv6 (IPv4 ones are not counted)

// samples (labels: group, pop)
inline constexpr const char* kDownloadMs = "download.ms";
inline constexpr const char* kRegretMs = "routing.regret_ms";
inline constexpr const char* kChosenRttMs = "routing.chosen_rtt_ms";
inline constexpr const char* kEffectiveChange = "routing.effective_change";
inline constexpr const char* kProbeRttMs = "probe.rtt_ms";  // one per train with an answer

// real-user measurement (the monitoring tool in downloaded pages)
inline constexpr const char* kRumBeacons = "rum.beacons";          // counter, label verdict
inline constexpr const char* kRumTestFetches = "rum.test_fetches";  // counter: test-object fetches started
inline constexpr const char* kRumBytes = "rum.bytes";              // counter: test objects + beacons on the wire
inline constexpr const char* kRumRttMs = "rum.rtt_ms";             // sample (labels group, pop), accepted only

// label keys
inline constexpr const char* kLabelGroup = "group";
inline constexpr const char* kLabelPop = "pop";
inline constexpr const char* kLabelVerdict = "verdict";
// On samples about a dual-stack group's IPv6 users only; IPv4 samples carry no family label.
inline constexpr const char* kLabelFamily = "family";
inline constexpr const char* kFamilyIpv6 = "ipv6";
// On effective changes: why (MappingChangeReasonName), and for better_rtt the gain in ms.
inline constexpr const char* kLabelReason = "reason";
inline constexpr const char* kLabelRttGainMs = "rtt_gain_ms";

}  // namespace cdnlab::metric
