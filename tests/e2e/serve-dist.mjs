// A small static server for dist/ on 127.0.0.1, started by Playwright's webServer and stopped by it.
// Port from E2E_PORT (default 4178), directory from DIST_DIR (default ../../dist).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, dirname, resolve, extname, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.env.DIST_DIR ?? join(here, '..', '..', 'dist'));
const port = Number(process.env.E2E_PORT ?? 4178);
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

createServer(async (req, res) => {
  // Strip any leading ../ so nothing outside dist/ is served.
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(dist, path === '/' ? 'index.html' : path);
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404); res.end('not found');
  }
}).listen(port, '127.0.0.1', () => console.log(`serving ${dist} on http://127.0.0.1:${port}/`));
