// The verdict on one run of play_edge.js: computes what a viewer noticed (playback_metrics.js)
// and checks every playlist received (playlist_checks.js), logs it all, and judges the goals:
// playback started; every playlist passes hls-parser's strict mode; 0 playlist 404s; 0 s of
// content skipped; media sequence monotonic; no playlist below 3 target durations; glass-to-glass
// latency p50 within the goal; after a kill, playback continues and the player had >= 2
// segments buffered. Goals named in `waived` are reported, not failed (local runs only).
'use strict';
const { checkPlaylists } = require('./playlist_checks');
const metrics = require('./playback_metrics');

// run: {report (player.html's), responses, failedRequests, killedAtMs, bufferAtKillS};
// o: play_edge.js's options. Returns {failed (count), goals, and the figures}.
function judge(run, o, { waived = new Set(), devCrutches = false, log = console.log } = {}) {
  const { report, responses, failedRequests, killedAtMs, bufferAtKillS } = run;
  const samples = report.samples;
  const endMs = samples.length ? samples[samples.length - 1].wallMs : Date.now();
  const g2g = metrics.summary(metrics.glassToGlassLatencies(samples));
  // Steady state: before the kill (a skip would lower the latency after it and hide a slow start).
  const steady = killedAtMs === null ? samples : samples.filter((s) => s.wallMs < killedAtMs);
  const g2gSteady = metrics.summary(metrics.glassToGlassLatencies(steady));
  const hlsLatency = metrics.summary(metrics.hlsLatencies(samples));
  const skipped = metrics.skippedContent(samples);
  const segmentsSkipped = metrics.segmentsSkipped(report.fragsChanged, o.segmentS);
  const bySegmentNumber = o.publishStartedMs === null ? null
    : metrics.summary(metrics.latenciesFromSegmentNumbers(samples, o.publishStartedMs, o.segmentS));
  const bySegmentNumberSteady = o.publishStartedMs === null ? null
    : metrics.summary(metrics.latenciesFromSegmentNumbers(steady, o.publishStartedMs, o.segmentS));
  const playlists = checkPlaylists(responses);
  const stallsAll = metrics.stallsSince(report.stalls, 0);
  const stallsAfterKill = killedAtMs !== null ? metrics.stallsSince(report.stalls, killedAtMs) : null;
  const corsMissing = responses.filter((r) => r.status === 200 && !r.cors).length;
  // The same 404 is seen by the driver (the response) and by hls.js (an error event): the larger.
  const playlist404s = Math.max(playlists.errorStatuses.filter((e) => e.status === 404).length,
                                report.errors.filter((e) => e.responseCode === 404 && /m3u8/.test(e.url || '')).length);
  const fmt = (s) => (s.p50 === null ? 'n/a' : `p50 ${s.p50.toFixed(2)} s, p95 ${s.p95.toFixed(2)} s (${s.count} samples)`);

  log(`hls.js ${report.hlsVersion}, config ${JSON.stringify(report.config)}`);
  log(`startup: ${report.startupMs === null ? 'never' : report.startupMs.toFixed(0) + ' ms'}`);
  log(`stalls: ${stallsAll.count} (${stallsAll.totalS.toFixed(2)} s)` +
      (stallsAfterKill ? `, after the kill: ${stallsAfterKill.count} (${stallsAfterKill.totalS.toFixed(2)} s)` : ''));
  log(`content skipped: ${skipped.totalS.toFixed(2)} s` +
      skipped.events.map((e) => ` [${e.kind} ${e.skippedS.toFixed(2)} s]`).join('') +
      `; segments never played: ${segmentsSkipped.totalS.toFixed(2)} s` +
      segmentsSkipped.events.map((e) => ` [seg-${e.from} -> seg-${e.to}]`).join(''));
  log(`glass-to-glass latency (now - EXT-X-PROGRAM-DATE-TIME shown): ${fmt(g2g)}; before the kill: ${fmt(g2gSteady)}`);
  log(`hls.js latency: ${fmt(hlsLatency)}`);
  if (bySegmentNumber) {
    log(`latency from the publisher's segment numbers (errs high by ffmpeg's startup): ${fmt(bySegmentNumber)}; ` +
        `before the kill: ${fmt(bySegmentNumberSteady)}`);
  }
  log(`playlists received: ${playlists.received}, error statuses: ${playlists.errorStatuses.length} ` +
      `(404: ${playlist404s}), failed requests: ${failedRequests.length}, strict-parse errors: ` +
      `${playlists.parseErrors.length}, media sequence backwards: ${playlists.sequenceBackwards.length}, ` +
      `below 3 target durations: ${playlists.tooShort.length}, without CORS header: ${corsMissing}`);
  for (const e of playlists.parseErrors.slice(0, 3)) log(`  strict parse error: ${e.error}\n${e.body}`);
  for (const e of playlists.sequenceBackwards.slice(0, 3)) log(`  media sequence ${e.from} -> ${e.to}`);
  log(`hls.js errors: ${report.errors.length} (fatal ${report.fatalErrors})` +
      [...new Set(report.errors.map((e) => e.details))].map((d) => ` ${d}`).join(''));

  const goals = [
    ['started', report.startupMs !== null, 'playback started'],
    ['playlists_parse', playlists.received > 0 && playlists.parseErrors.length === 0,
     `every playlist received (${playlists.received}) passes hls-parser strict mode`],
    ['playlist_404s', playlist404s === 0 && failedRequests.length === 0, '0 playlist 404s / failed playlist requests'],
    ['skipped', skipped.totalS === 0 && segmentsSkipped.totalS === 0,
     '0 s of content skipped (playhead, program date time and segment numbers)'],
    ['media_sequence', playlists.sequenceBackwards.length === 0, 'media sequence monotonic'],
    ['playlist_duration', playlists.tooShort.length === 0, 'no playlist below 3 target durations'],
    ['latency', g2g.p50 !== null && g2g.p50 <= o.latencyGoalS && g2gSteady.p50 !== null && g2gSteady.p50 <= o.latencyGoalS,
     `glass-to-glass latency p50 <= ${o.latencyGoalS} s, whole run and before the kill (needs EXT-X-PROGRAM-DATE-TIME)`],
  ];
  if (devCrutches && g2g.p50 === null && bySegmentNumber) {
    goals.push(['latency_dev', bySegmentNumber.p50 !== null && bySegmentNumber.p50 <= o.latencyGoalS &&
                bySegmentNumberSteady.p50 !== null && bySegmentNumberSteady.p50 <= o.latencyGoalS,
                `DEV CRUTCH: latency from segment numbers p50 <= ${o.latencyGoalS} s`]);
  }
  if (killedAtMs !== null) {
    const lastS = 5;
    const played = metrics.playedBetween(samples, endMs - lastS * 1000, endMs);
    goals.push(['continues', played >= lastS - 1.5,
                `playback continues after the kill (${played.toFixed(2)} s played in the last ${lastS} s)`]);
    const want = o.killBufferS || o.segmentS + 0.2;
    goals.push(['buffered_at_kill', bufferAtKillS >= want,
                `the player had >= 2 segments buffered at the kill (${bufferAtKillS.toFixed(2)} s ahead, ` +
                `${want.toFixed(2)} s asked)`]);
  }
  let failed = 0;
  for (const [name, ok, what] of goals) {
    const verdict = ok ? 'ok' : waived.has(name) ? 'WAIVED' : 'FAIL';
    if (verdict === 'FAIL') failed++;
    log(`${verdict}: [${name}] ${what}`);
  }
  return { failed, goals, playlists, skipped, segmentsSkipped,
           latency: { glassToGlass: g2g, glassToGlassBeforeKill: g2gSteady, hls: hlsLatency, bySegmentNumber,
                      bySegmentNumberBeforeKill: bySegmentNumberSteady } };
}

module.exports = { judge };
