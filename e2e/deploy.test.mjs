// End-to-end: hosting the app (docs/DEPLOY.md).
// - After one visit, the app opens and runs a whole sale with the network off (the
//   service worker, web/sw.js).
// - The build made for a sub-path (`trunk build --public-url /driftlab/`, which
//   `cargo xtask test` writes to target/dist-subpath) loads and runs under that path only.
// - The `driftlab` binary built with the app inside (`--features embed-app`) serves it
//   alone: Brotli copies, a year's cache for hashed files, and the app runs from it,
//   offline too after one visit.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { launchChromium, serveStatic } from './lib/harness.mjs';

const SALE = 'lang=en&speed=1000&preset=extreme_drift&view=measures';
let browser = null;

after(async () => {
  await browser?.close();
});

/** A fresh browser context with service workers allowed, and the page's errors. */
async function freshPage() {
  browser ??= await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // No companion behind a static server: its time API's 404 is expected.
    const probe = msg.location().url.includes('/api/time/');
    if (msg.type() === 'error' && !probe) errors.push(`console.error: ${msg.text()}`);
  });
  return { context, page, errors };
}

/** Opens `url` and plays the sale at ×1000 to its end; returns the requests it made. */
async function playSale(page, url) {
  await page.goto(url);
  await page.waitForSelector('[data-testid="view"][data-view="measures"]', { timeout: 20_000 });
  await page.click('[data-testid="play"]');
  await page.waitForFunction(
    () => document.querySelector('[data-testid="status"]')?.textContent.includes('Sale over'),
    null,
    { timeout: 60_000 },
  );
  return Number(await page.getAttribute('[data-testid="metric-requests"]', 'data-value'));
}

/** Waits until the service worker has cached the app and controls the page. */
async function waitForServiceWorker(page) {
  const scope = await page.evaluate(() =>
    Promise.race([
      navigator.serviceWorker.ready.then((r) => r.scope),
      new Promise((resolve) => setTimeout(() => resolve('no service worker after 20 s'), 20_000)),
    ]),
  );
  assert.ok(scope.startsWith('http'), scope);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
  return scope;
}

test('after one visit the app loads and runs a sale with the network off', async () => {
  const server = await serveStatic();
  const { context, page, errors } = await freshPage();
  try {
    const online = await playSale(page, `${server.baseUrl}?${SALE}`);
    assert.ok(online > 0, 'the sale ran online');
    assert.equal(await waitForServiceWorker(page), server.baseUrl);
    await context.setOffline(true);
    await server.close();
    // No network and no server: the page, the .js, the .wasm and the styles come from
    // the cache, and the same sale gives the same figures.
    const offline = await playSale(page, `${server.baseUrl}?${SALE}`);
    assert.equal(offline, online, 'same requests offline as online');
    const styled = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(styled, 'rgb(243, 243, 240)', 'the style sheets came from the cache too');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await server.close();
  }
});

test('the build for a sub-path loads and runs under that path', async (t) => {
  const dir = process.env.DRIFTLAB_DIST_SUBPATH;
  const prefix = process.env.DRIFTLAB_SUBPATH ?? '/driftlab/';
  if (!dir) {
    t.skip('run by `cargo xtask test`, which builds the app for /driftlab/ in target/dist-subpath');
    return;
  }
  const server = await serveStatic(path.resolve(dir), { prefix });
  const { context, page, errors } = await freshPage();
  try {
    assert.ok(server.baseUrl.endsWith(prefix));
    const files = [];
    page.on('request', (req) => files.push(new URL(req.url()).pathname));
    assert.ok((await playSale(page, `${server.baseUrl}?${SALE}`)) > 0);
    const wasm = files.filter((f) => f.endsWith('.wasm'));
    assert.equal(wasm.length, 1, `one .wasm loaded: ${files.join(' ')}`);
    assert.ok(files.every((f) => f.startsWith(prefix)), `everything under ${prefix}: ${files.join(' ')}`);
    // The service worker's scope is the sub-path, not the whole site.
    assert.equal(await waitForServiceWorker(page), server.baseUrl);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await server.close();
  }
});

/** Starts `driftlab serve` on a free port; resolves to `{ baseUrl, banner, stop }`. */
async function startCompanion(bin) {
  // NTP to a closed local port: the time API answers "unreachable", quickly.
  const child = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--ntp-server', '127.0.0.1:9'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let banner = '';
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner from ${bin}: ${banner}`)), 20_000);
    child.on('exit', (code) => reject(new Error(`${bin} exited with ${code}: ${banner}`)));
    child.stdout.on('data', (chunk) => {
      banner += chunk;
      const m = banner.match(/listening on (http:\/\/[\d.:]+)/);
      if (m && banner.includes('stop with Ctrl-C')) {
        clearTimeout(timer);
        resolve(`${m[1]}/`);
      }
    });
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGINT');
    });
  return { baseUrl, banner, stop };
}

test('the binary with the app inside serves it alone, compressed, and it runs', async (t) => {
  const bin = process.env.DRIFTLAB_BIN;
  if (!bin || !process.env.DRIFTLAB_BIN_EMBEDS_APP) {
    t.skip('run by `cargo xtask test`, which builds driftlab with --features embed-app');
    return;
  }
  assert.ok(existsSync(bin), `${bin} is missing`);
  const companion = await startCompanion(bin);
  const { context, page, errors } = await freshPage();
  try {
    assert.match(companion.banner, /app: embedded in this binary/);
    const index = await fetch(companion.baseUrl, { headers: { 'accept-encoding': 'br' } });
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const html = await index.text(); // fetch decodes the Brotli body
    const wasmName = html.match(/href="\/?([^"]+_bg\.wasm)"/)?.[1];
    assert.ok(wasmName, 'index.html names the .wasm');
    const wasm = await fetch(companion.baseUrl + wasmName, { headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(wasm.headers.get('content-encoding'), 'br');
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.equal(wasm.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const sent = Number(wasm.headers.get('content-length'));
    const body = new Uint8Array(await wasm.arrayBuffer());
    assert.deepEqual([...body.slice(0, 4)], [0, 0x61, 0x73, 0x6d], 'a Wasm module once decoded');
    assert.ok(sent < body.length / 2, `Brotli sent ${sent} bytes for ${body.length}`);
    const online = await playSale(page, `${companion.baseUrl}?${SALE}`);
    assert.ok(online > 0);
    await waitForServiceWorker(page);
    await context.setOffline(true);
    await companion.stop();
    assert.equal(await playSale(page, `${companion.baseUrl}?${SALE}`), online);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await companion.stop();
  }
});
