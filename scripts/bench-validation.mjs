// Times the correction editor's validation in Chromium: the release WebAssembly client checks
// a 20-field operation (frontend/src/bench.rs) the way the editor does on every keystroke,
// RUNS times, each call timed with performance.now(). Prints p50, p95, max and the mean.
// usage: node scripts/bench-validation.mjs PKG_DIR [RUNS]   (scripts/bench-validation.sh)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launchChromium } from '../tests/browser/helpers.mjs';

const [dir, runs = '10000'] = process.argv.slice(2);
const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const page = `<!doctype html><script type="module">
import init, { validate_sample_operation } from './custsync.js';
await init({ module_or_path: './custsync.wasm' });
const runs = ${Number(runs)};
for (let i = 0; i < 200; i++) validate_sample_operation(1); // warm up
const times = [];
let refused = 0;
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  refused = validate_sample_operation(1);
  times.push(performance.now() - start);
}
// The browser's clock has 100 µs steps here; batches of 100 checks, each call timed, give a
// per-check figure below that resolution.
const batches = [];
for (let b = 0; b < runs / 100; b++) {
  const start = performance.now();
  for (let i = 0; i < 100; i++) validate_sample_operation(1);
  batches.push((performance.now() - start) / 100);
}
const start = performance.now();
validate_sample_operation(runs);
const mean = (performance.now() - start) / runs;
times.sort((a, b) => a - b);
batches.sort((a, b) => a - b);
const at = (list, p) => list[Math.min(list.length - 1, Math.floor(list.length * p))];
window.result = { runs, refused, p50: at(times, 0.5), p95: at(times, 0.95), max: at(times, 1),
  b50: at(batches, 0.5), b95: at(batches, 0.95), bmax: at(batches, 1), mean };
</script>`;
const server = createServer(async (req, res) => {
  if (req.url === '/') { res.writeHead(200, { 'content-type': 'text/html' }); return res.end(page); }
  try {
    const body = await readFile(join(dir, req.url.slice(1)));
    res.writeHead(200, { 'content-type': types[req.url.slice(req.url.lastIndexOf('.'))] ?? 'application/octet-stream' });
    res.end(body);
  } catch { res.writeHead(404); res.end(); }
}).listen(0, '127.0.0.1');
await new Promise((ok) => server.once('listening', ok));
const browser = await launchChromium();
const tab = await browser.newPage();
tab.on('pageerror', (e) => console.error(e));
await tab.goto(`http://127.0.0.1:${server.address().port}/`);
const r = await tab.waitForFunction(() => window.result, null, { timeout: 120_000 }).then((h) => h.jsonValue());
console.log(`validation of a 20-field operation in WebAssembly (Chromium), ${r.runs} runs, ${r.refused} field refused:`);
console.log(`per call (performance.now): p50 ${(r.p50 * 1000).toFixed(1)} µs  p95 ${(r.p95 * 1000).toFixed(1)} µs  max ${(r.max * 1000).toFixed(1)} µs`);
console.log(`per call, batches of 100:    p50 ${(r.b50 * 1000).toFixed(1)} µs  p95 ${(r.b95 * 1000).toFixed(1)} µs  max ${(r.bmax * 1000).toFixed(1)} µs`);
console.log(`mean of ${r.runs} checks in one call: ${(r.mean * 1000).toFixed(1)} µs`);
await browser.close();
server.close();
