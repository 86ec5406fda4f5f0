// node --test: the player's metrics and the playlist checks on made-up inputs, so a broken
// detector cannot pass the browser test by seeing nothing.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const m = require('./playback_metrics');
const { checkPlaylists } = require('./playlist_checks');

// Samples of smooth playback every 250 ms: currentTime and the program date time advance with the wall clock.
function smooth(n, { t0 = 10, wall0 = 1e12, pdt0 = 1e12 - 5000 } = {}) {
  return Array.from({ length: n }, (_, i) => ({ wallMs: wall0 + 250 * i, currentTime: t0 + 0.25 * i, rate: 1,
                                                paused: false, playingDateMs: pdt0 + 250 * i, hlsLatencyS: 3,
                                                fragUrl: `http://e/news/seg-${Math.floor(i / 8)}.ts`, fragStart: 0 }));
}

test('percentiles by nearest rank', () => {
  assert.strictEqual(m.percentile([], 50), null);
  assert.strictEqual(m.percentile([3, 1, 2], 50), 2);
  assert.strictEqual(m.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95), 10);
});

test('smooth playback skips nothing and has a steady glass-to-glass latency', () => {
  const s = smooth(40);
  assert.strictEqual(m.skippedContent(s).totalS, 0);
  const g2g = m.summary(m.glassToGlassLatencies(s));
  assert.strictEqual(g2g.p50, 5);
  assert.strictEqual(g2g.p95, 5);
});

test('a seek forward is skipped content', () => {
  const s = smooth(20);
  for (let i = 10; i < 20; i++) { s[i].currentTime += 3; s[i].playingDateMs += 3000; }
  const r = m.skippedContent(s);
  assert.strictEqual(r.events.length, 1);
  assert.strictEqual(r.events[0].kind, 'playhead jump');
  assert.ok(Math.abs(r.totalS - 3) < 1e-9);
});

test('missing content spliced into a continuous timeline is skipped content', () => {
  const s = smooth(20);
  for (let i = 10; i < 20; i++) s[i].playingDateMs += 4000;
  const r = m.skippedContent(s);
  assert.strictEqual(r.events.length, 1);
  assert.strictEqual(r.events[0].kind, 'program date time jump');
  assert.ok(Math.abs(r.totalS - 4) < 1e-9);
});

test('a stall (playhead still, wall clock running) is not skipped content', () => {
  const s = smooth(20);
  for (let i = 10; i < 20; i++) { s[i].wallMs += 3000; }
  assert.strictEqual(m.skippedContent(s).totalS, 0);
});

test('segments never played, from the publisher numbering', () => {
  const frags = [5, 6, 7, 10, 11].map((n, i) => ({ wallMs: i, url: `http://e/news/seg-${n}.ts` }));
  const r = m.segmentsSkipped(frags, 2);
  assert.deepStrictEqual(r.events.map((e) => [e.from, e.to]), [[7, 10]]);
  assert.strictEqual(r.totalS, 4);
  assert.strictEqual(m.segmentNumber('http://e/news/init.mp4'), null);
});

test('latency from segment numbers', () => {
  // seg-3 starts 6 s after the publisher started; 1 s into it, shown 4 s later.
  const s = [{ wallMs: 1000 + 11000, currentTime: 7, fragStart: 6, paused: false, fragUrl: 'http://e/seg-3.ts' }];
  assert.deepStrictEqual(m.latenciesFromSegmentNumbers(s, 1000, 2), [4]);
});

const good = (seq, n) => '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:' + seq + '\n' +
  Array.from({ length: n }, (_, i) => `#EXTINF:2.000,\nseg-${seq + i}.ts\n`).join('');

test('strict parsing flags an RFC 8216 violation; 404s, going back and short playlists are found', () => {
  const r = checkPlaylists([
    { url: 'p.m3u8', status: 200, wallMs: 1, body: good(5, 3) },
    { url: 'p.m3u8', status: 404, wallMs: 2, body: 'not found' },
    { url: 'p.m3u8', status: 200, wallMs: 3, body: good(4, 3) },
    { url: 'p.m3u8', status: 200, wallMs: 4, body: good(6, 1) },
    { url: 'p.m3u8', status: 200, wallMs: 5, body: good(7, 3).replace('TARGETDURATION:2', 'TARGETDURATION:1') },
    { url: 'p.m3u8', status: 200, wallMs: 6, body: null, bodyError: 'evicted' },
    { url: 'q.m3u8', status: 200, wallMs: 7, body: good(0, 1) },  // a stream's first playlist: nothing removed yet
  ]);
  assert.strictEqual(r.errorStatuses.length, 1);
  assert.deepStrictEqual(r.sequenceBackwards.map((e) => [e.from, e.to]), [[5, 4]]);
  assert.strictEqual(r.tooShort.length, 1);
  assert.strictEqual(r.parseErrors.length, 2);
  assert.match(r.parseErrors[0].error, /target duration/i);
  assert.match(r.parseErrors[1].error, /not captured/);
});

test('the verdict passes a clean run and fails each missed goal', () => {
  const { judge } = require('./playback_verdict');
  const samples = smooth(160);  // 40 s; latency 5 s
  const kill = samples[60].wallMs;
  const responses = Array.from({ length: 10 }, (_, i) => ({ url: 'http://e/news/playlist.m3u8', status: 200,
                                                            wallMs: samples[i * 16].wallMs, body: good(i, 3) }));
  const run = () => ({ report: { hlsVersion: 'x', config: {}, startupMs: 300, stalls: [], samples: structuredClone(samples),
                                 errors: [], fatalErrors: 0, fragsChanged: [] },
                       responses: structuredClone(responses), failedRequests: [], killedAtMs: kill, bufferAtKillS: 3,
                       failover: { detectedS: 0.6, rehomedS: 1.1 } });
  const o = { segmentS: 2, latencyGoalS: 6, publishStartedMs: null };
  const quiet = { log: () => {} };
  assert.strictEqual(judge(run(), o, quiet).failed, 0);

  const with404 = run();
  with404.responses.splice(5, 0, { url: 'http://e/news/playlist.m3u8', status: 404, wallMs: kill + 1, body: '' });
  const v = judge(with404, o, quiet);
  assert.deepStrictEqual(v.goals.filter((g) => !g[1]).map((g) => g[0]), ['playlist_404s']);

  const slowFailover = run();
  slowFailover.failover = { detectedS: 1.4, rehomedS: null };
  assert.deepStrictEqual(judge(slowFailover, o, quiet).goals.filter((g) => !g[1]).map((g) => g[0]),
                         ['detected', 'rehomed']);
  const noFailoverFigures = run();
  delete noFailoverFigures.failover;
  assert.strictEqual(judge(noFailoverFigures, o, quiet).failed, 2);  // a kill without the figures cannot pass

  const skipping = run();
  for (let i = 80; i < 160; i++) skipping.report.samples[i].playingDateMs += 2000;
  assert.deepStrictEqual(judge(skipping, o, quiet).goals.filter((g) => !g[1]).map((g) => g[0]), ['skipped']);

  const slow = run();
  assert.deepStrictEqual(judge(slow, { ...o, latencyGoalS: 4 }, quiet).goals.filter((g) => !g[1]).map((g) => g[0]),
                         ['latency']);

  const stopped = run();
  for (let i = 140; i < 160; i++) stopped.report.samples[i].currentTime = stopped.report.samples[139].currentTime;
  for (let i = 140; i < 160; i++) stopped.report.samples[i].playingDateMs = stopped.report.samples[139].playingDateMs;
  assert.deepStrictEqual(judge(stopped, o, quiet).goals.filter((g) => !g[1]).map((g) => g[0]), ['continues']);
});
