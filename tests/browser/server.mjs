// A tiny static file server for the browser tests and benchmarks: serves folders under URL
// prefixes on 127.0.0.1 (a site at "/" and the same site under a deep subpath, to prove
// relative asset URLs). No directory listings, no writes, nothing outside the mounted folders.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
};

/** Starts a server; `mounts` is a list of [urlPrefix, folder]. Resolves to {url, close}. */
export async function serve(mounts) {
  const sorted = [...mounts].sort((a, b) => b[0].length - a[0].length);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let pathname;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    for (const [prefix, dir] of sorted) {
      if (!pathname.startsWith(prefix)) continue;
      let rel = pathname.slice(prefix.length);
      if (rel === '' || rel.endsWith('/')) rel += 'index.html';
      const file = path.resolve(dir, rel);
      if (!file.startsWith(path.resolve(dir) + path.sep)) break;
      fs.stat(file, (err, st) => {
        if (err || !st.isFile()) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
          return;
        }
        res.writeHead(200, {
          'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
          'content-length': st.size,
          'cache-control': 'no-store',
        });
        fs.createReadStream(file).pipe(res);
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

// Run directly: node server.mjs PREFIX=DIR ... (for looking at a site by hand).
if (import.meta.url === `file://${process.argv[1]}`) {
  const mounts = process.argv.slice(2).map((a) => a.split('='));
  const s = await serve(mounts.length ? mounts : [['/', '.']]);
  console.log(`serving on ${s.url}`);
}
