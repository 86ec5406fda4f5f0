// cdnlab real-user measurement tag. The page embeds its configuration as JSON
// (<script type="application/json" id="cdnlab-rum-config">):
//   {"pv": page view id, "beacon": collector URL, "next": URL to load afterwards or null,
//    "candidates": [{"pop": PoP id, "url": test object URL}, ...]}
// It fetches the test object from each candidate in turn (so the fetches do not compete),
// reads each fetch's Resource Timing entry (the object servers send Timing-Allow-Origin, or
// the browser would hide requestStart/responseStart), and posts one beacon:
//   {"v":1,"pv":...,"t":<Unix s>,"m":[{"pop","ok","rtt_ms","dur_ms","bytes"}, ...]}
// rtt_ms = responseStart - requestStart (request sent -> first byte), dur_ms = duration.
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('cdnlab-rum-config').textContent);
  var status = document.getElementById('cdnlab-rum-status');

  function show(text) {
    if (status) status.textContent = text;
  }

  function round(ms) {
    return Math.round(ms * 1000) / 1000;
  }

  // The entry is queued when the response ends, which can be just after the body promise
  // resolves: look for it for a short while.
  function timingEntry(url, waitedMs) {
    var entries = performance.getEntriesByName(url, 'resource');
    if (entries.length > 0) return Promise.resolve(entries[entries.length - 1]);
    if (waitedMs >= 2000) return Promise.resolve(null);
    return new Promise(function (resolve) {
      setTimeout(function () { resolve(timingEntry(url, waitedMs + 10)); }, 10);
    });
  }

  function measure(candidate) {
    var failed = { pop: candidate.pop, ok: false, bytes: 0 };
    return fetch(candidate.url, { mode: 'cors', cache: 'no-store', credentials: 'omit' })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.arrayBuffer();
      })
      .then(function (body) {
        return timingEntry(candidate.url, 0).then(function (e) {
          var m = { pop: candidate.pop, ok: true, bytes: body.byteLength };
          // requestStart is 0 when the server withheld timing (no Timing-Allow-Origin): no RTT then.
          if (e && e.requestStart > 0 && e.responseStart >= e.requestStart) {
            m.rtt_ms = round(e.responseStart - e.requestStart);
            m.dur_ms = round(Math.max(e.duration, e.responseStart - e.requestStart));
          }
          return m;
        });
      })
      .catch(function () { return failed; });
  }

  function measureAll() {
    var results = [];
    return config.candidates.reduce(function (done, candidate) {
      return done.then(function () {
        return measure(candidate).then(function (m) { results.push(m); });
      });
    }, Promise.resolve()).then(function () { return results; });
  }

  function send(beacon) {
    var body = JSON.stringify(beacon);
    if (window.fetch) {
      return fetch(config.beacon, {
        method: 'POST', body: body, keepalive: true, credentials: 'omit',
        headers: { 'Content-Type': 'application/json' }
      }).then(function (response) { return response.status; });
    }
    return Promise.resolve(navigator.sendBeacon(config.beacon, body) ? 0 : -1);
  }

  if (config.candidates.length === 0) {
    show('no candidates for this client');
    return;
  }
  measureAll()
    .then(function (timings) {
      var beacon = { v: 1, pv: config.pv, t: Date.now() / 1000, m: timings };
      return send(beacon).then(function (code) {
        show('beacon ' + code + ' ' + JSON.stringify(beacon));
      });
    })
    .catch(function (err) { show('failed: ' + err); })
    .then(function () {
      if (config.next) window.location.assign(config.next);
    });
})();
