// The page's own origin: a tiny static HTTP server for player.html and hls.js, on a port other
// than the edge's, so the player fetches the stream cross-origin (the edge must answer CORS).
//   node static_server.js HOST PORT     (PORT 0: the OS picks; the bound port is printed)
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');

const [host, portArg] = process.argv.slice(2);
if (!host || portArg === undefined || !/^\d+$/.test(portArg)) {
  console.error('usage: static_server.js HOST PORT');
  process.exit(2);
}

// Only these files are served: the page and the hls.js build from the npm package.
const files = {
  '/player.html': { file: path.join(__dirname, 'player.html'), type: 'text/html; charset=utf-8' },
  '/hls.js': { file: require.resolve('hls.js/dist/hls.js'), type: 'text/javascript; charset=utf-8' },
};

const server = http.createServer((req, res) => {
  const entry = files[new URL(req.url, 'http://page').pathname];
  if (!entry || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found\n');
    return;
  }
  fs.readFile(entry.file, (err, body) => {
    if (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`cannot read ${entry.file}: ${err.message}\n`);
      return;
    }
    res.writeHead(200, { 'Content-Type': entry.type, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
});
server.on('error', (err) => {
  console.error(`static_server: cannot listen on ${host}:${portArg}: ${err.message}`);
  process.exit(1);
});
server.listen(Number(portArg), host, () => {
  console.log(`static_server: serving the player page on http://${host}:${server.address().port}`);
});
