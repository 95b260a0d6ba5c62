// A static file server for the built bench page (bench/dist), on localhost only. Kept tiny and
// dependency-free: the bench needs correct MIME types (application/wasm for streaming compile)
// and, for its CPU peer, cross-origin isolation (COOP + COEP), which gives the page
// SharedArrayBuffer and so lets onnxruntime-web's WebAssembly backend run threads.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.css': 'text/css; charset=utf-8',
};

/** The headers that make a page cross-origin isolated (every file it loads is same-origin). */
const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/**
 * Serves `root` on 127.0.0.1:`port`; resolves with the server once it listens. With
 * `crossOriginIsolated`, every response carries COOP and COEP.
 */
export function serveStatic(root, port, { crossOriginIsolated = false } = {}) {
  const extraHeaders = crossOriginIsolated ? ISOLATION_HEADERS : {};
  const base = normalize(root + sep);
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path));
    let size = -1;
    try {
      if (file.startsWith(base)) {
        const stat = statSync(file);
        if (stat.isFile()) size = stat.size;
      }
    } catch {
      size = -1;
    }
    if (size < 0) {
      response.writeHead(404, { 'content-type': 'text/plain', ...extraHeaders });
      response.end('not found');
      return;
    }
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': 'no-store',
      ...extraHeaders,
    });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
