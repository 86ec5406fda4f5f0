// Checks on every playlist the player received (bodies captured by play_edge.js): each parses
// with hls-parser in strict mode (RFC 8216 rules enforced, any violation is an error), none was
// answered with an error status, the media sequence never goes back, and no playlist that has
// dropped segments (media sequence > 0) lists less than three target durations (RFC 8216
// section 6.2.2 forbids removing a segment below that; a stream's first playlists are shorter).
'use strict';
const HLS = require('hls-parser');

HLS.setOptions({ strictMode: true });

// responses: [{url, status, wallMs, body}] in the order the player received them.
function checkPlaylists(responses) {
  const result = { received: responses.length, errorStatuses: [], parseErrors: [], sequenceBackwards: [],
                   tooShort: [], mediaSequences: [], minDurationS: null };
  const lastSequenceOf = new Map();
  for (const r of responses) {
    if (r.status < 200 || r.status > 299) {
      result.errorStatuses.push({ url: r.url, status: r.status, wallMs: r.wallMs });
      continue;
    }
    let playlist;
    try {
      if (typeof r.body !== 'string') throw new Error(`body not captured (${r.bodyError || 'unknown'})`);
      playlist = HLS.parse(r.body);
    } catch (e) {
      result.parseErrors.push({ url: r.url, wallMs: r.wallMs, error: e.message, body: r.body });
      continue;
    }
    if (playlist.isMasterPlaylist) continue;
    const key = r.url.split('?')[0];
    const sequence = playlist.mediaSequenceBase || 0;
    result.mediaSequences.push(sequence);
    const last = lastSequenceOf.get(key);
    if (last !== undefined && sequence < last) {
      result.sequenceBackwards.push({ url: r.url, wallMs: r.wallMs, from: last, to: sequence });
    }
    lastSequenceOf.set(key, sequence);
    const duration = playlist.segments.reduce((sum, s) => sum + s.duration, 0);
    result.minDurationS = result.minDurationS === null ? duration : Math.min(result.minDurationS, duration);
    if (!playlist.endlist && sequence > 0 && duration < 3 * playlist.targetDuration) {
      result.tooShort.push({ url: r.url, wallMs: r.wallMs, durationS: duration, targetDurationS: playlist.targetDuration });
    }
  }
  return result;
}

module.exports = { checkPlaylists };
