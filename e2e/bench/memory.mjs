// Benchmark (not a test): memory of the app left playing, in headless Chromium. Opens
// the `long_day` preset (24 hours, every layer on, NTP on: the run is computed once at
// load, with its checkpoints), plays it at ×1000 on the clocks view (the charts read
// the history), and reads, after a garbage collection, the JS heap in use (CDP
// `Performance.getMetrics`, JSHeapUsedSize) and the wasm memory's size
// (`WebAssembly.Memory.buffer.byteLength`: it only grows) at the start and every
// simulated hour, until `BENCH_HOURS` simulated hours (default 1) have played.
//
//   cargo xtask build && node e2e/bench/memory.mjs            # one simulated hour
//   BENCH_HOURS=24 node e2e/bench/memory.mjs                  # the whole day
//
// The bounds it is read against are in docs/MEMORY.md.
import { chromium } from 'playwright-core';
import { chromiumArgs, serveStatic } from '../lib/harness.mjs';

const hours = Number(process.env.BENCH_HOURS ?? 1);
const query = '?preset=long_day&speed=1000&lang=en&view=clocks';

const server = await serveStatic();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  // Trunk hands the instantiated module to this event: keep it to read its memory.
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const t0 = Date.now();
  await page.goto(server.baseUrl + query);
  await page.waitForSelector('[data-testid="play"]', { timeout: 600_000 });
  await page.waitForFunction(() => window.__wasm, null, { timeout: 600_000 });
  const loadS = (Date.now() - t0) / 1000;
  const MB = 1024 * 1024;
  const measure = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const heap = metrics.find((m) => m.name === 'JSHeapUsedSize').value;
    const wasm = await page.evaluate(() => window.__wasm.memory.buffer.byteLength);
    const time = await page.textContent('[data-testid="true-time"]');
    return { time, heap, wasm };
  };
  const show = (label, m) =>
    console.log(`${label.padEnd(8)} true time ${m.time}  JS heap ${(m.heap / MB).toFixed(1)} MB  wasm memory ${(m.wasm / MB).toFixed(1)} MB`);
  console.log(`long_day loaded in ${loadS.toFixed(1)} s (the whole day computed, its checkpoints kept)`);
  const start = await measure();
  show('start', start);
  const rows = [start];
  await page.click('[data-testid="play"]');
  for (let h = 1; h <= hours; h++) {
    const hh = String(h).padStart(2, '0');
    await page.waitForFunction(
      (hh) => {
        const t = document.querySelector('[data-testid="true-time"]').textContent;
        return t >= `${hh}:00:00` || document.querySelector('[data-testid="status"]').textContent.includes('Sale over');
      },
      hh,
      { timeout: 600_000, polling: 500 },
    );
    const m = await measure();
    show(`hour ${h}`, m);
    rows.push(m);
  }
  await page.click('[data-testid="play"]');
  const end = rows[rows.length - 1];
  console.log(`growth over ${hours} simulated hour(s): JS heap ${((end.heap - start.heap) / MB).toFixed(1)} MB, ` +
    `wasm memory ${((end.wasm - start.wasm) / MB).toFixed(1)} MB`);
} finally {
  await browser.close();
  await server.close();
}
