// Plays a live HLS playlist with hls.js in the system's headless Chromium (puppeteer-core, no
// browser download), from a page on another origin (player.html); playback_verdict.js judges it.
// Optionally kills a process (-9) mid-run: the ingest holding the stream. Every playlist the
// page received is captured (status and body) for the verdict's strict checks.
//
//   node play_edge.js --page http://HOST:PORT/player.html --src http://EDGE/news/playlist.m3u8
//        [--config JSON] [--segment-s 2] [--steady-s 16] [--after-kill-s 24] [--kill-pid PID]
//        [--latency-goal-s 6] [--publish-started-ms EPOCH_MS] [--out report.json]
//        [--kill-buffer-s S]: the buffer ahead the kill waits for (default segment + 0.2 s; LL-HLS
//        asks the publisher's 2 segments, 2 x 0.5 s + 0.2: its latency leaves < 2 s ahead)
// Environment: CHROMIUM (default /usr/bin/chromium); CDNLAB_BROWSER_WAIVE=goal,goal reports those
// goals' failures without failing (local runs on a branch lacking a feature);
// CDNLAB_BROWSER_DEV_CRUTCHES=1 runs Chromium with --disable-web-security (local only).
// Exit status: 0 when every goal holds, 1 when one fails, 2 on bad usage or a broken setup.
'use strict';
const fs = require('fs');
const puppeteer = require('puppeteer-core');
const { judge } = require('./playback_verdict');

function parseArgs(argv) {
  const o = { config: '{"liveSyncDuration":3,"maxLiveSyncPlaybackRate":1.2}', segmentS: 2, steadyS: 16, afterKillS: 24, killPid: null,
              latencyGoalS: 6, killBufferS: null, out: null, page: null, src: null, publishStartedMs: null };
  const names = { '--page': 'page', '--src': 'src', '--config': 'config', '--segment-s': 'segmentS',
                  '--steady-s': 'steadyS', '--after-kill-s': 'afterKillS', '--kill-pid': 'killPid',
                  '--latency-goal-s': 'latencyGoalS', '--out': 'out', '--kill-buffer-s': 'killBufferS',
                  '--publish-started-ms': 'publishStartedMs' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key || argv[i + 1] === undefined) usage(`unknown flag or missing value: ${argv[i]}`);
    o[key] = argv[i + 1];
  }
  if (!o.page || !o.src) usage('--page and --src are required');
  for (const k of ['segmentS', 'steadyS', 'afterKillS', 'latencyGoalS']) {
    o[k] = Number(o[k]);
    if (!(o[k] > 0)) usage(`--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} must be a positive number`);
  }
  if (o.killBufferS !== null) {
    o.killBufferS = Number(o.killBufferS);
    if (!(o.killBufferS > 0)) usage('--kill-buffer-s must be a positive number');
  }
  if (o.killPid !== null && !/^\d+$/.test(o.killPid)) usage('--kill-pid must be a process id');
  if (o.publishStartedMs !== null) {
    if (!/^\d+$/.test(o.publishStartedMs)) usage('--publish-started-ms must be milliseconds since the epoch');
    o.publishStartedMs = Number(o.publishStartedMs);
  }
  try { JSON.parse(o.config); } catch (e) { usage(`--config is not JSON: ${e.message}`); }
  return o;
}
function usage(msg) {
  console.error(`play_edge: ${msg}`);
  process.exit(2);
}
const log = (msg) => console.log(`driver: ${msg}`);
// A screenshot next to the report (--out): the burned-in clock beside the page's wall clock.
async function shoot(page, o, name) {
  if (!o.out) return;
  const path = o.out.replace(/\.json$/, '') + `-${name}.png`;
  await page.screenshot({ path }).catch((e) => log(`screenshot ${path}: ${e.message}`));
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const waived = new Set((process.env.CDNLAB_BROWSER_WAIVE || '').split(',').filter(Boolean));
  const args = ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--mute-audio'];
  if (process.env.CDNLAB_BROWSER_DEV_CRUTCHES === '1') {
    args.push('--disable-web-security');
    log('DEV CRUTCH: --disable-web-security (CORS not enforced; never in ctest)');
  }
  const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
                                           headless: true, pipe: true, args });
  const responses = [];
  const failedRequests = [];
  let report;
  let killedAtMs = null;
  let bufferAtKillS = null;
  try {
    const page = await browser.newPage();
    page.on('console', (m) => { if (m.text().startsWith('player: ')) console.log(m.text()); });
    page.on('pageerror', (e) => console.log(`driver: page error: ${e.message}`));
    page.on('response', (r) => {
      if (!new URL(r.url()).pathname.endsWith('.m3u8')) return;
      const entry = { url: r.url(), status: r.status(), wallMs: Date.now(), body: null,
                      cors: r.headers()['access-control-allow-origin'] || null };
      responses.push(entry);
      r.text().then((t) => { entry.body = t; }, (e) => { entry.bodyError = e.message; });
    });
    page.on('requestfailed', (q) => {
      if (new URL(q.url()).pathname.endsWith('.m3u8')) {
        failedRequests.push({ url: q.url(), wallMs: Date.now(), error: q.failure() && q.failure().errorText });
      }
    });
    const url = `${o.page}?src=${encodeURIComponent(o.src)}&config=${encodeURIComponent(o.config)}`;
    log(`opening ${url}`);
    await page.goto(url);
    const read = () => page.evaluate(() => window.playerReport());

    const startupDeadline = Date.now() + 30000;
    for (report = await read(); report.startupMs === null && !report.setupError; report = await read()) {
      if (Date.now() > startupDeadline) break;
      await sleep(250);
    }
    if (report.setupError) throw new Error(`player page: ${report.setupError}`);
    if (report.startupMs === null) {
      log('FAIL: playback did not start within 30 s');
      report.failedToStart = true;
    } else {
      log(`playing after ${report.startupMs.toFixed(0)} ms; steady for ${o.steadyS} s`);
      await sleep(o.steadyS * 1000);
      if (o.killPid !== null) {
        // The goal is for a player with >= 2 segments buffered: the one playing and at least one
        // more whole one (buffer ahead > 1 segment). Kill when it has them (bounded wait). More
        // cannot be asked with a latency goal: latency >= buffer ahead + 1 segment (the newest is
        // listed only once complete) + delivery, so 2 s segments and <= 6 s leave < 4 s ahead.
        const want = o.killBufferS || o.segmentS + 0.2;
        const deadline = Date.now() + 4 * o.segmentS * 1000;
        let ahead = 0;
        for (;;) {
          const s = (await read()).samples.slice(-1)[0];
          ahead = s ? s.bufferAheadS : 0;
          if (ahead >= want || Date.now() > deadline) break;
          await sleep(100);
        }
        process.kill(Number(o.killPid), 'SIGKILL');
        killedAtMs = Date.now();
        bufferAtKillS = ahead;
        log(`killed pid ${o.killPid} (-9) with ${ahead.toFixed(2)} s buffered ahead`);
        await shoot(page, o, 'at-kill');
        await sleep(o.afterKillS * 1000);
      }
      report = await read();
    }
    await shoot(page, o, 'end');
  } finally {
    await browser.close();
  }
  await sleep(100);  // late response bodies

  const verdict = judge({ report, responses, failedRequests, killedAtMs, bufferAtKillS }, o,
                        { waived, devCrutches: process.env.CDNLAB_BROWSER_DEV_CRUTCHES === '1', log });
  if (o.out) {
    fs.writeFileSync(o.out, JSON.stringify({ options: o, killedAtMs, bufferAtKillS, report, responses, failedRequests,
                                             ...verdict }, null, 1));
  }
  process.exit(verdict.failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(`play_edge: ${e.stack || e.message}`);
  process.exit(2);
});
