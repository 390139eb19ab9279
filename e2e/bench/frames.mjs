// Benchmark (not a test): frame times while the app plays at full speed with a
// 1 000-seat hall (25 × 40) on screen (the hall view, the heaviest to draw), in
// headless Chromium, measured with requestAnimationFrame timestamps. Prints p50 / p95 /
// p99 / max, and fails if the hall is not on screen.
//
//   cargo xtask build && node e2e/bench/frames.mjs            # vsync-paced, 60 Hz
//   node e2e/bench/frames.mjs --uncapped                      # no frame-rate limit:
//                                                             # deltas = real frame cost
//
// At 60 Hz a frame that keeps up lasts one vsync interval (16.7 ms); a p95 above that
// means frames are being dropped. Uncapped, Chromium starts the next frame as soon as
// the last one is done, so the deltas measure what a frame really costs.
import { chromium } from 'playwright-core';
import { chromiumArgs, serveStatic } from '../lib/harness.mjs';
import { openBusyHall } from './hall.mjs';

const uncapped = process.argv.includes('--uncapped');
const frames = Number(process.env.BENCH_FRAMES ?? 900);

const server = await serveStatic();
const args = uncapped
  ? [...chromiumArgs, '--disable-frame-rate-limit', '--disable-gpu-vsync']
  : chromiumArgs;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args });
try {
  const page = await openBusyHall(browser, server.baseUrl);
  // Record each frame's timestamp, and whether the run was playing during it.
  await page.evaluate(() => {
    window.__frames = [];
    const play = document.querySelector('[data-testid="play"]');
    const tick = (ts) => {
      window.__frames.push([ts, play.getAttribute('aria-pressed') === 'true']);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  let runs = 0;
  const playing = () => page.evaluate(() => window.__frames.filter((f) => f[1]).length);
  while ((await playing()) < frames && runs < 50) {
    await page.click('[data-testid="restart"]');
    await page.click('[data-testid="play"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="status"]').textContent.includes('Sale over'),
      null,
      { timeout: 120_000 },
    );
    runs += 1;
  }
  const samples = await page.evaluate(() => window.__frames);
  const deltas = [];
  for (let i = 1; i < samples.length; i++) {
    if (samples[i][1] && samples[i - 1][1]) deltas.push(samples[i][0] - samples[i - 1][0]);
  }
  deltas.sort((a, b) => a - b);
  const q = (p) => deltas[Math.min(deltas.length - 1, Math.ceil(p * deltas.length) - 1)];
  const fmt = (x) => x.toFixed(1).padStart(6);
  console.log(`hall 1000 seats, ${runs} runs of extreme_drift (5 000 customers) at ×1000, ` +
    `${uncapped ? 'uncapped frame rate' : 'vsync 60 Hz'}`);
  // A frame that misses its vsync lasts two intervals or more: count those.
  const late = deltas.filter((d) => d > 1.5 * q(0.5)).length;
  console.log(`frames ${deltas.length}  p50 ${fmt(q(0.5))} ms  p95 ${fmt(q(0.95))} ms  ` +
    `p99 ${fmt(q(0.99))} ms  max ${fmt(deltas[deltas.length - 1])} ms  ` +
    `longer than 1.5 × p50: ${(100 * late / deltas.length).toFixed(1)} %`);
} finally {
  await browser.close();
  await server.close();
}
