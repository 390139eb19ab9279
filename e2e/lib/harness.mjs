// Helpers for Driftlab's end-to-end tests: serve the built app, drive Debian's Chromium.
//
// Run by `cargo xtask test` as `node --test e2e/**/*.test.mjs` after `trunk build --release`,
// with DRIFTLAB_DIST set to the built app's folder (dist/ by default). A test file:
//
//   import { after, test } from 'node:test';
//   import { cleanup, pageErrors, withPage } from './lib/harness.mjs';
//   after(cleanup);
//   test('loads', () => withPage(async (page, baseUrl) => {
//     await page.goto(baseUrl);
//     ...
//   }));
//
// The server and the browser start on first use and are shared by the file's tests;
// `cleanup` stops both. Each `withPage` gets a fresh browser context (no shared storage).

import { mkdir, readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The built app's folder: `$DRIFTLAB_DIST`, else `dist/` at the repository root. */
export const distDir = path.resolve(process.env.DRIFTLAB_DIST ?? path.join(repoRoot, 'dist'));

/** Where `screenshot` writes its PNG files. */
export const screenshotDir = path.join(repoRoot, 'target', 'screenshots');

/** Chromium flags that work as root in a container with a closed network. */
export const chromiumArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const contentTypes = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', // required by WebAssembly.instantiateStreaming
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Starts a static file server for `root` on 127.0.0.1 and a free port, under `prefix`
 * (`/driftlab/` serves the app at http://127.0.0.1:PORT/driftlab/ and nothing outside it).
 * `/` and folders serve their index.html. Resolves to `{ baseUrl, close }`, `baseUrl`
 * ending with the prefix.
 */
export async function serveStatic(root = distDir, { prefix = '/' } = {}) {
  await stat(path.join(root, 'index.html')).catch(() => {
    throw new Error(`no index.html in ${root}: run \`cargo xtask build\` first`);
  });
  const server = http.createServer(async (req, res) => {
    try {
      const fullPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (!fullPath.startsWith(prefix)) throw Object.assign(new Error('outside prefix'), { code: 'ENOENT' });
      const urlPath = `/${fullPath.slice(prefix.length)}`;
      let file = path.join(root, path.normalize(urlPath));
      if (!file.startsWith(root)) throw Object.assign(new Error('outside root'), { code: 'ENOENT' });
      if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await readFile(file);
      const type = contentTypes[path.extname(file)] ?? 'application/octet-stream';
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    } catch (err) {
      res.writeHead(err.code === 'ENOENT' || err.code === 'ENOTDIR' ? 404 : 500);
      res.end(String(err.code ?? err));
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    baseUrl: `http://127.0.0.1:${port}${prefix}`,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections(); // a browser's keep-alive connections would hold it open
      }),
  };
}

/** Launches Debian's Chromium, headless, through playwright-core. */
export function launchChromium() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs });
}

let shared = null; // { server, browser }, started on first use

async function started() {
  shared ??= (async () => {
    const server = await serveStatic();
    const browser = await launchChromium();
    return { server, browser };
  })();
  return shared;
}

const errorsByPage = new WeakMap();

/**
 * Runs `fn(page, baseUrl)` in a fresh page of the shared browser, `baseUrl` being the
 * served app's root (ends with `/`); closes the page afterwards, returns what `fn` returns.
 * The page's uncaught errors and console errors are collected: read them with `pageErrors`.
 * Options besides `viewport` go to the browser context (`{ isMobile: true, hasTouch: true }`).
 */
export async function withPage(fn, { viewport = { width: 1400, height: 900 }, ...device } = {}) {
  const { server, browser } = await started();
  // The app's service worker (web/sw.js) is tested on its own (deploy.test.mjs); here it
  // would only add its install's downloads to every page.
  const context = await browser.newContext({ viewport, serviceWorkers: 'block', ...device });
  const page = await context.newPage();
  const errors = [];
  errorsByPage.set(page, errors);
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // The real-clock panel looks for the companion at /api/time/status; the static
    // server's 404 there is the expected "no companion", not an error of the page.
    const probe = msg.location().url.includes('/api/time/') && msg.text().startsWith('Failed to load resource');
    if (msg.type() === 'error' && !probe) errors.push(`console.error: ${msg.text()} (${msg.location().url})`);
  });
  try {
    return await fn(page, server.baseUrl);
  } finally {
    await context.close();
  }
}

/**
 * Chooses preset `name` as a teacher would: a preset of a short group is a button of
 * the bar; one of a long group (NTP, gateway…) is in its group's menu, opened first.
 */
export async function choosePreset(page, name) {
  const toggle = page.locator(`[data-presets~="${name}"]`);
  if ((await toggle.count()) > 0) await toggle.click();
  await page.click(`[data-testid="preset-${name}"]`);
}

/**
 * Opens the app at `query` (e.g. `lang=en&speed=20&preset=failover_auto&view=data`)
 * and waits until the element `[data-testid=testid]` is there (the view's panel).
 */
export async function openView(page, baseUrl, query, testid) {
  await page.goto(`${baseUrl}?${query}`);
  await page.waitForSelector(`[data-testid="${testid}"]`, { timeout: 15_000 });
}

/** The trimmed text of the element `[data-testid=id]`. */
export function text(page, id) {
  return page.evaluate(
    (id) => document.querySelector(`[data-testid="${id}"]`).textContent.trim(),
    id,
  );
}

/** Plays until the true time reads at least `hms`, then pauses (unless the sale is over). */
export async function playUntil(page, hms) {
  await page.click('[data-testid="play"]');
  await page.waitForFunction(
    (hms) => document.querySelector('[data-testid="true-time"]').textContent >= hms,
    hms,
    { timeout: 60_000 },
  );
  const over = await page.evaluate(() =>
    document.querySelector('[data-testid="status"]').textContent.includes('Sale over'));
  if (!over) await page.click('[data-testid="play"]');
  await page.waitForTimeout(300);
}

/** The errors `page` has reported so far (uncaught exceptions and console errors). */
export function pageErrors(page) {
  return errorsByPage.get(page) ?? [];
}

/** Saves a full-page PNG as `target/screenshots/<name>.png` and returns its path. */
export async function screenshot(page, name) {
  await mkdir(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Closes the shared browser and server; pass it to `after` in every test file. */
export async function cleanup() {
  if (!shared) return;
  const { server, browser } = await shared;
  shared = null;
  await browser.close();
  await server.close();
}

/** How the view fits the window: the page's and the board's overflow in px, the board's
 *  panels cut at their bottom, the overflow in width, and the body's text size. */
export function viewFit(page) {
  return page.evaluate(() => {
    const doc = document.scrollingElement;
    const board = document.querySelector('[data-testid="view"]');
    const cut = [...board.children].filter((p) => p.scrollHeight > p.clientHeight + 1)
      .map((p) => p.className);
    return {
      page: doc.scrollHeight - window.innerHeight,
      board: board.scrollHeight - board.clientHeight,
      cut,
      wide: doc.scrollWidth - window.innerWidth,
      font: parseFloat(getComputedStyle(document.body).fontSize),
    };
  });
}

/** Opens the list's first anomaly of `kind` whose diagram has `lanes` lanes (any
 * number if `lanes` is 0) among its first 30, and says whether one was found. Opening
 * one folds the list away: "◂ List" brings it back. */
export async function openAnomaly(page, kind, lanes = 0) {
  const back = async () => {
    if (await page.locator('[data-testid="anomaly-back"]').count()) await page.click('[data-testid="anomaly-back"]');
  };
  await back();
  await page.selectOption('[data-testid="anomaly-kind"]', kind);
  await page.waitForFunction((kind) => [...document.querySelectorAll('[data-testid="anomaly-item"]')]
    .every((e) => e.dataset.kind === kind), kind);
  const items = page.locator('[data-testid="anomaly-item"]');
  const n = Math.min(await items.count(), 30);
  for (let i = 0; i < n; i++) {
    await back();
    await items.nth(i).click();
    await page.waitForSelector('[data-testid="anomaly-diagram"]');
    await page.waitForTimeout(100); // the box measured, the drawing laid out for it
    const drawn = await page.locator('[data-testid="anomaly-diagram"] .dg-lane').count();
    if (!lanes || drawn === lanes) return true;
  }
  return false;
}

/** How the opened diagram fits its box: how far the box scrolls (px, across and down),
 * the drawing's size on screen, the smallest text drawn (CSS px: its font size × the
 * drawing's scale), and the texts whose boxes overlap (by more than 2 px each way). */
export function fitOfDiagram(page) {
  return page.evaluate(() => {
    const box = document.querySelector('.an-diagram');
    const svg = box.querySelector('[data-testid="anomaly-diagram"]');
    const vb = svg.viewBox.baseVal;
    const r = svg.getBoundingClientRect();
    // The drawing keeps its proportions inside its element ("meet").
    const scale = Math.min(r.width / vb.width, r.height / vb.height);
    const texts = [...svg.querySelectorAll('text')];
    const smallest = Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
    const boxes = texts.map((t) => [t.textContent, t.getBoundingClientRect()]);
    const overlaps = [];
    for (let a = 0; a < boxes.length; a++) {
      for (let b = a + 1; b < boxes.length; b++) {
        const [A, B] = [boxes[a][1], boxes[b][1]];
        const w = Math.min(A.right, B.right) - Math.max(A.left, B.left);
        const h = Math.min(A.bottom, B.bottom) - Math.max(A.top, B.top);
        if (w > 2 && h > 2) overlaps.push(`${boxes[a][0]} | ${boxes[b][0]}`);
      }
    }
    return {
      across: box.scrollWidth - box.clientWidth,
      down: box.scrollHeight - box.clientHeight,
      box: [box.clientWidth, box.clientHeight],
      drawn: [Math.round(vb.width * scale), Math.round(vb.height * scale)],
      smallest,
      overlaps,
      root: parseFloat(getComputedStyle(document.documentElement).fontSize),
    };
  });
}
