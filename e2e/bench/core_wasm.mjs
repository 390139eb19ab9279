// Benchmark (not a test): the core compiled to wasm32, in headless Chromium, against
// the same core natively. Builds what it needs, then times the default `extreme_drift`
// run and the big flash sale (50 000 customers, seed 1) on both sides, and prints the
// medians and the ratio wasm / native. Fails if the two sides disagree on a run's
// events or trace hash: the wasm build must run the same simulation, bit for bit.
//
//   node e2e/bench/core_wasm.mjs                 # 15 repetitions per run and side
//   BENCH_REPS=31 node e2e/bench/core_wasm.mjs   # more repetitions
//   node e2e/bench/core_wasm.mjs --json          # one JSON line, for scripts
//
// Both sides are `crates/bench-wasm` (`run_times`) built with Cargo's `bench` profile
// (opt-level 3, LTO, one codegen unit; its output goes to target/…/release/), the wasm
// one through the wasm-bindgen CLI at
// Cargo.lock's version (`cargo xtask build` or `cargo xtask test` installs it), without
// wasm-opt. Each side runs each run once to warm up, then REPS timed repetitions;
// a repetition of the short default run calls it INNER times (browser timers are
// coarse), the big run once. Timing: `performance.now()` in the page, `Instant` natively.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, serveStatic } from '../lib/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const reps = Number(process.env.BENCH_REPS ?? 15);
const asJson = process.argv.includes('--json');
const out = path.join(root, 'target', 'bench-wasm');
const crate = 'driftlab-bench-wasm';
const runs = [
  { name: 'extreme_drift (2 000 customers, seed 42)', preset: 'extreme_drift', customers: 0, seed: 42, inner: 10 },
  { name: 'extreme_drift, 50 000 customers, seed 1', preset: 'extreme_drift', customers: 50000, seed: 1, inner: 1 },
];

const log = (...a) => (asJson ? console.error : console.log)(...a);
const sh = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

// 1. Build both sides.
log('building the wasm32 and native entries (cargo --profile bench)…');
const lock = readFileSync(path.join(root, 'Cargo.lock'), 'utf8');
const wbgWanted = /name = "wasm-bindgen"\nversion = "([^"]+)"/.exec(lock)[1];
let wbgHave = '';
try {
  wbgHave = sh('wasm-bindgen', ['--version']).trim();
} catch {
  /* missing: said below */
}
if (wbgHave !== `wasm-bindgen ${wbgWanted}`) {
  console.error(`need the wasm-bindgen CLI ${wbgWanted} (have: ${wbgHave || 'none'}): run \`cargo xtask build\` once, or \`cargo install wasm-bindgen-cli --version ${wbgWanted}\``);
  process.exit(2);
}
sh('cargo', ['build', '--quiet', '--profile', 'bench', '-p', crate, '--lib', '--target', 'wasm32-unknown-unknown']);
sh('cargo', ['build', '--quiet', '--profile', 'bench', '-p', crate, '--bin', 'core-native']);
const wasmIn = path.join(root, 'target/wasm32-unknown-unknown/release/driftlab_bench_wasm.wasm');
sh('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', out, '--out-name', 'core', wasmIn]);
await mkdir(out, { recursive: true });
await writeFile(path.join(out, 'index.html'), '<!doctype html><meta charset="utf-8"><title>core wasm bench</title>\n');
const native = path.join(root, 'target/release/core-native');

// 2. Native.
const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const results = [];
for (const r of runs) {
  log(`native: ${r.name}…`);
  const n = JSON.parse(sh(native, [r.preset, String(r.customers), String(r.seed), String(reps), String(r.inner)]));
  results.push({ ...r, native: n });
}

// 3. Wasm in Chromium.
const server = await serveStatic(out);
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.baseUrl);
  await page.evaluate(async () => {
    const m = await import('./core.js');
    await m.default();
    window.__core = m;
  });
  for (const res of results) {
    log(`wasm:   ${res.name}…`);
    res.wasm = await page.evaluate(
      ({ preset, customers, seed, reps, inner }) => {
        const run = (times) => window.__core.run_times(preset, customers, BigInt(seed), times);
        const first = run(1);
        const ms = [];
        for (let i = 0; i < reps; i++) {
          const t = performance.now();
          const again = run(inner);
          ms.push((performance.now() - t) / inner);
          if (again !== first) throw new Error(`the same run twice gave ${first} then ${again}`);
        }
        const [events, trace_hash] = first.split(' ');
        return { events: Number(events), trace_hash, ms };
      },
      { preset: res.preset, customers: res.customers, seed: res.seed, reps, inner: res.inner },
    );
  }
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
} finally {
  await browser.close();
  await server.close();
}

// 4. Table, ratio, and the determinism check.
let diverged = false;
const rows = results.map((r) => {
  const same = r.native.trace_hash === r.wasm.trace_hash && r.native.events === r.wasm.events;
  diverged ||= !same;
  const nat = median(r.native.ms);
  const was = median(r.wasm.ms);
  return {
    run: r.name,
    events: r.native.events,
    trace_hash: r.native.trace_hash,
    wasm_trace_hash: r.wasm.trace_hash,
    same,
    native_ms: nat,
    wasm_ms: was,
    ratio: was / nat,
    native_meps: r.native.events / nat / 1e3,
    wasm_meps: r.wasm.events / was / 1e3,
  };
});
if (asJson) {
  console.log(JSON.stringify({ reps, rows }));
} else {
  console.log(`\nmedian of ${reps} repetitions; ratio = wasm time / native time (wasm at least half native speed: ratio ≤ 2)\n`);
  const pad = (s, n) => String(s).padEnd(n);
  const lpad = (s, n) => String(s).padStart(n);
  console.log(`${pad('run', 42)}${lpad('events', 8)}  ${pad('trace', 17)}${lpad('native', 11)}${lpad('wasm', 11)}${lpad('ratio', 8)}`);
  for (const r of rows) {
    const hash = r.same ? r.trace_hash : `${r.trace_hash}≠${r.wasm_trace_hash}`;
    console.log(
      `${pad(r.run, 42)}${lpad(r.events, 8)}  ${pad(hash, 17)}${lpad(r.native_ms.toFixed(2) + ' ms', 11)}${lpad(r.wasm_ms.toFixed(2) + ' ms', 11)}${lpad(r.ratio.toFixed(2) + '×', 8)}`,
    );
    console.log(`${pad('', 67)}${lpad(r.native_meps.toFixed(1) + ' M/s', 11)}${lpad(r.wasm_meps.toFixed(1) + ' M/s', 11)}`);
  }
}
if (diverged) {
  console.error('\nFAILED: the wasm32 build and the native build disagree on a run (events or trace hash)');
  process.exit(1);
}
