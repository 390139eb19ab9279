// Benchmark (not a test): what each frame costs the page's main thread, in CPU time, while
// the app plays frames.mjs' scenario (the hall view, a 1 000-seat hall, 5 000 customers,
// ×1000). A Chrome trace (CDP Tracing through playwright-core) gives each main-thread
// task's thread CPU time, which another process on the machine does not lengthen (a
// wall-clock frame time does): compare builds with it on a busy machine.
//
//   cargo xtask build && node e2e/bench/frame_cpu.mjs [RUNS]      # RUNS runs of the sale, 3
//   DRIFTLAB_DIST=/tmp/dist-other node e2e/bench/frame_cpu.mjs      # another build
//
// Prints, over the frames while playing: the frame's task (its animation callbacks, then
// style, layout, paint, commit) in CPU ms (mean, p50, p90, p99, max, and how many took
// over 8 and 12 ms), its wall time split by phase, and the task after each frame (the
// app's own work: the simulation and the feeds, queued by src/frame.rs) in CPU ms.
import { chromium } from 'playwright-core';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromiumArgs, serveStatic } from '../lib/harness.mjs';
import { openBusyHall } from './hall.mjs';

const runs = Number(process.argv[2] ?? 3);
const tracePath = path.join(os.tmpdir(), `driftlab-frame-cpu-${process.pid}.json`);

const server = await serveStatic();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs });
try {
  const page = await openBusyHall(browser, server.baseUrl);
  await browser.startTracing(page, {
    path: tracePath,
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink', 'cc', 'v8.execute'],
  });
  for (let r = 0; r < runs; r++) {
    await page.click('[data-testid="restart"]');
    await page.click('[data-testid="play"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="status"]').textContent.includes('Sale over'),
      null,
      { timeout: 120_000 },
    );
  }
  await browser.stopTracing();
} finally {
  await browser.close();
  await server.close();
}

const trace = JSON.parse(await readFile(tracePath, 'utf8'));
await rm(tracePath, { force: true });
const events = trace.traceEvents ?? trace;
// The renderer's main thread: the CrRendererMain with the most tasks.
const count = {};
for (const e of events) if (e.name === 'RunTask' && e.ph === 'X') count[`${e.pid}:${e.tid}`] = (count[`${e.pid}:${e.tid}`] ?? 0) + 1;
const main = events
  .filter((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain')
  .map((e) => `${e.pid}:${e.tid}`)
  .sort((a, b) => (count[b] ?? 0) - (count[a] ?? 0))[0];
const slices = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X').sort((a, b) => a.ts - b.ts || b.dur - a.dur);
const phaseOf = (name) => {
  if (/FunctionCall|RunMicrotasks|v8\.|V8\.|FireAnimationFrame|TimerFire|EventDispatch/.test(name)) return 'script';
  if (/Style|recalcStyle|UpdateLayoutTree/.test(name)) return 'style';
  if (/Layout|ShapeText/.test(name)) return 'layout';
  if (/PaintArtifactCompositor|Layerize/.test(name)) return 'layerize';
  if (/Paint/.test(name)) return 'paint';
  if (/[Cc]ommit|DoUpdateLayers/.test(name)) return 'commit';
  if (/HitTest|MouseMove/.test(name)) return 'hit test';
  return 'other';
};
const phases = ['script', 'style', 'layout', 'paint', 'layerize', 'commit', 'hit test', 'other'];
const frames = [];
const after = [];
let i = 0;
for (const task of slices.filter((e) => e.name === 'RunTask')) {
  const end = task.ts + task.dur;
  while (i < slices.length && slices[i].ts < task.ts) i++;
  const inside = [];
  for (let j = i; j < slices.length && slices[j].ts < end; j++) if (slices[j] !== task) inside.push(slices[j]);
  const cpu = (task.tdur ?? task.dur) / 1000;
  if (inside.some((e) => e.name === 'TimerFire')) after.push(cpu);
  if (!inside.some((e) => e.name === 'ProxyMain::BeginMainFrame')) continue;
  // Self time of each slice, by phase.
  const stack = [];
  const self = new Map();
  for (const e of inside) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    if (stack.length) self.set(stack.at(-1), (self.get(stack.at(-1)) ?? 0) - e.dur);
    self.set(e, (self.get(e) ?? 0) + e.dur);
    stack.push(e);
  }
  const by = {};
  for (const [e, t] of self) by[phaseOf(e.name)] = (by[phaseOf(e.name)] ?? 0) + t / 1000;
  frames.push({ cpu, by });
}
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const q = (xs, p) => xs[Math.min(xs.length - 1, Math.max(0, Math.ceil(p * xs.length) - 1))];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const f1 = (x) => x.toFixed(2);
const cpu = sorted(frames.map((f) => f.cpu));
console.log(`hall 1000 seats, ${runs} runs of extreme_drift (5 000 customers) at ×1000, traced`);
console.log(`frames ${cpu.length}: main-thread CPU ms mean ${f1(mean(cpu))}  p50 ${f1(q(cpu, 0.5))}  ` +
  `p90 ${f1(q(cpu, 0.9))}  p99 ${f1(q(cpu, 0.99))}  max ${f1(cpu.at(-1))}  ` +
  `over 8 ms: ${cpu.filter((c) => c > 8).length}, over 12 ms: ${cpu.filter((c) => c > 12).length}`);
console.log('  wall ms by phase, mean: ' + phases.map((p) => `${p} ${f1(mean(frames.map((f) => f.by[p] ?? 0)))}`).join('  '));
const a = sorted(after);
if (a.length) {
  console.log(`tasks after a frame ${a.length}: CPU ms mean ${f1(mean(a))}  p90 ${f1(q(a, 0.9))}  max ${f1(a.at(-1))}`);
}
