// Benchmark (not a test): the load-test view's sweep in the browser's Web Workers
// (one per core the browser reports), seed 003's full matrix: 4 algorithms × 1/5/10/15
// instances × 1/10/50 users = 48 runs of `load_test`, the view's defaults. Prints the
// time from the click to the last answer, as the view measures it (`data-elapsed-ms`),
// for each of `BENCH_RUNS` sweeps (default 5), their median and best.
//
//   cargo xtask build && node e2e/bench/sweep.mjs
//
// The same matrix natively, on every core: `time target/release/driftlab sweep`.
import { chromium } from 'playwright-core';
import { chromiumArgs, serveStatic } from '../lib/harness.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const server = await serveStatic();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${server.baseUrl}?lang=en&view=load`);
  await page.waitForSelector('[data-testid="lt-run"]', { timeout: 15_000 });
  const times = [];
  let workers = 0;
  for (let i = 0; i < runs; i++) {
    await page.click('[data-testid="lt-run"]');
    await page.waitForFunction(() => {
      const s = document.querySelector('[data-testid="lt-status"]');
      return s.dataset.state === 'done' || s.dataset.state === 'failed';
    }, null, { timeout: 600_000, polling: 50 });
    const r = await page.evaluate(() => {
      const s = document.querySelector('[data-testid="lt-status"]');
      const p = document.querySelector('[data-testid="lt-progress"]');
      return { state: s.dataset.state, ms: Number(s.dataset.elapsedMs), done: p.value, text: s.textContent };
    });
    if (r.state !== 'done' || r.done !== 48) throw new Error(`sweep ${i}: ${r.text}`);
    workers = await page.evaluate(() => Math.min(8, navigator.hardwareConcurrency));
    times.push(r.ms);
    console.log(`sweep ${i + 1}: 48 runs in ${(r.ms / 1000).toFixed(3)} s`);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`${workers} workers · median ${(median / 1000).toFixed(3)} s · best ${(times[0] / 1000).toFixed(3)} s`);
} finally {
  await browser.close();
  await server.close();
}
