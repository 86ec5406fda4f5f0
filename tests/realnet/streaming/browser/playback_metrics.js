// What a viewer noticed, computed from the player page's samples (player.html): latency
// percentiles, content skipped, stalls. Pure functions, no browser: playback_metrics.test.js
// checks them on made-up samples.
'use strict';

// The p-th percentile (0..100) by nearest rank; null for no values.
function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function summary(values) {
  return { count: values.length, p50: percentile(values, 50), p95: percentile(values, 95),
           max: values.length ? Math.max(...values) : null };
}

// Glass-to-glass latency of each sample: the wall clock minus the capture time of the picture
// shown, the EXT-X-PROGRAM-DATE-TIME the publisher stamped (hls.js playingDate). Seconds.
function glassToGlassLatencies(samples) {
  return samples.filter((s) => s.playingDateMs !== null && !s.paused).map((s) => (s.wallMs - s.playingDateMs) / 1000);
}

// hls.js's own latency estimate (distance from the live edge it knows of), seconds.
function hlsLatencies(samples) {
  return samples.filter((s) => s.hlsLatencyS !== null && !s.paused).map((s) => s.hlsLatencyS);
}

// Content skipped between consecutive samples, two ways a viewer loses content:
//  - the playhead jumps ahead of the wall clock (a seek: hls.js jumping to the live edge or
//    over a gap in the buffer): currentTime advanced more than the time that passed;
//  - the timeline runs on but the pictures' capture time jumps (segments missing from the
//    playlist, spliced over): the program date time advanced more than currentTime.
// Steps within `toleranceS` are clock noise. Returns the total and each event.
function skippedContent(samples, toleranceS = 0.3) {
  const events = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    const played = b.currentTime - a.currentTime;
    const wall = ((b.wallMs - a.wallMs) / 1000) * Math.max(a.rate || 1, b.rate || 1);
    if (played - wall > toleranceS) {
      events.push({ atWallMs: b.wallMs, kind: 'playhead jump', skippedS: played - wall });
      continue;  // a seek also moves the program date time: counted once
    }
    if (a.playingDateMs !== null && b.playingDateMs !== null) {
      const content = (b.playingDateMs - a.playingDateMs) / 1000;
      if (content - Math.max(played, 0) > toleranceS) {
        events.push({ atWallMs: b.wallMs, kind: 'program date time jump', skippedS: content - Math.max(played, 0) });
      }
    }
  }
  return { totalS: events.reduce((sum, e) => sum + e.skippedS, 0), events };
}

// Stalls (the buffer ran empty after startup) that began at or after `fromWallMs`.
function stallsSince(stalls, fromWallMs) {
  const after = stalls.filter((s) => s.atWallMs >= fromWallMs);
  return { count: after.length, totalS: after.reduce((sum, s) => sum + s.durationMs / 1000, 0) };
}

// Seconds of media the playhead advanced over the samples in [fromWallMs, toWallMs].
function playedBetween(samples, fromWallMs, toWallMs) {
  const inside = samples.filter((s) => s.wallMs >= fromWallMs && s.wallMs <= toWallMs);
  if (inside.length < 2) return 0;
  return inside[inside.length - 1].currentTime - inside[0].currentTime;
}

// The publisher's segment number in a segment URI (ffmpeg's -hls_segment_filename seg-%d.ts);
// null for other names.
function segmentNumber(url) {
  const m = /seg-(\d+)\.[a-z0-9]+(?:\?|$)/.exec(url || '');
  return m ? Number(m[1]) : null;
}

// Segments the player went past without playing, from the publisher's own numbering of the
// segments it played in turn (fragsChanged: hls.js FRAG_CHANGED, in order): a second view of
// skipped content that needs no program date time. Seconds (segments x segmentS).
function segmentsSkipped(fragsChanged, segmentS) {
  const events = [];
  for (let i = 1; i < fragsChanged.length; i++) {
    const a = segmentNumber(fragsChanged[i - 1].url);
    const b = segmentNumber(fragsChanged[i].url);
    if (a !== null && b !== null && b > a + 1) {
      events.push({ atWallMs: fragsChanged[i].wallMs, from: a, to: b, skippedS: (b - a - 1) * segmentS });
    }
  }
  return { totalS: events.reduce((sum, e) => sum + e.skippedS, 0), events };
}

// Latency from the publisher's segment numbers: segment N's first picture was captured
// segmentS * N after the publisher started (ffmpeg cuts on fixed keyframes), so the picture
// shown was captured at publishStartedMs + 1000 * (segmentS * N + currentTime - fragStart).
// publishStartedMs is taken just before ffmpeg starts, so this errs high by its startup time.
function latenciesFromSegmentNumbers(samples, publishStartedMs, segmentS) {
  const out = [];
  for (const s of samples) {
    const n = segmentNumber(s.fragUrl);
    if (n === null || s.paused || s.fragStart === null) continue;
    out.push((s.wallMs - (publishStartedMs + 1000 * (segmentS * n + s.currentTime - s.fragStart))) / 1000);
  }
  return out;
}

module.exports = { segmentNumber, segmentsSkipped, latenciesFromSegmentNumbers, percentile, summary, glassToGlassLatencies, hlsLatencies, skippedContent, stallsSince,
                   playedBetween };
