// End-to-end: the app served by the companion (`driftlab serve`) next to a real NTP
// server (Debian's chronyd on a loopback port, its own config, never touching the system
// clock). The real-clock panel fills with the measurement, and "apply to server-1" gives
// server-1 this machine's offset. Loopback only; both processes are killed at the end.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { distDir, launchChromium, screenshotDir } from './lib/harness.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `cargo xtask test` builds the binary and names it in DRIFTLAB_BIN; by hand, build it here.
const binary = process.env.DRIFTLAB_BIN ?? path.join(repoRoot, 'target', 'debug', 'driftlab');
const STRATUM = 3;

let chrony = null; // { child, dir, port }
let companion = null; // { child, baseUrl }
let browser = null;

/** A UDP port of 127.0.0.1 free right now. */
async function freeUdpPort() {
  const s = dgram.createSocket('udp4');
  await new Promise((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Resolves once an NTP client packet to 127.0.0.1:port gets a reply (10 s at most). */
async function waitForNtp(port, child) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`chronyd exited with ${child.exitCode}`);
    const ok = await new Promise((resolve) => {
      const s = dgram.createSocket('udp4');
      const done = (v) => { clearTimeout(timer); s.close(); resolve(v); };
      const timer = setTimeout(() => done(false), 200);
      s.on('message', () => done(true));
      s.on('error', () => done(false));
      const req = Buffer.alloc(48);
      req[0] = 0x23; // version 4, client mode
      s.send(req, port, '127.0.0.1');
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`chronyd did not answer on 127.0.0.1:${port}`);
}

async function startChrony() {
  const chronyd = ['/usr/sbin/chronyd', '/usr/bin/chronyd'].find((p) => existsSync(p));
  if (!chronyd) throw new Error('chronyd not found: install it with `apt-get install -y chrony`');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'driftlab-e2e-chrony-'));
  const port = await freeUdpPort();
  const conf = path.join(dir, 'chrony.conf');
  const user = os.userInfo().username;
  await writeFile(
    conf,
    [
      `port ${port}`,
      'bindaddress 127.0.0.1',
      'cmdport 0',
      'bindcmdaddress /',
      `local stratum ${STRATUM}`,
      'allow 127.0.0.1',
      `driftfile ${dir}/drift`,
      `pidfile ${dir}/chronyd.pid`,
      '',
    ].join('\n'),
  );
  const child = spawn(chronyd, ['-4', '-x', '-d', '-u', user, '-f', conf], { stdio: 'ignore' });
  await waitForNtp(port, child);
  return { child, dir, port };
}

/** Starts `driftlab serve` on a free port; resolves with its base URL from the banner. */
function startCompanion(ntpPort) {
  const child = spawn(
    binary,
    ['serve', '--addr', '127.0.0.1:0', '--dist', distDir, '--ntp-server', `127.0.0.1:${ntpPort}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no banner from driftlab serve:\n${out}`)), 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, baseUrl: `${m[1]}/` });
      }
    });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => reject(new Error(`driftlab serve exited (${code}):\n${out}`)));
  });
}

/** Stops `child` and waits until it has exited (at most 5 s). */
async function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
}

before(async () => {
  if (!process.env.DRIFTLAB_BIN) {
    const r = spawnSync('cargo', ['build', '-p', 'driftlab'], { cwd: repoRoot, stdio: 'inherit' });
    assert.equal(r.status, 0, 'cargo build -p driftlab');
  }
  assert.ok(existsSync(binary), `no driftlab binary at ${binary}`);
  await mkdir(screenshotDir, { recursive: true });
  chrony = await startChrony();
  companion = await startCompanion(chrony.port);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stop(companion?.child);
  // chronyd writes its files on the way out: remove its folder once it has exited.
  await stop(chrony?.child);
  if (chrony) await rm(chrony.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

test('the real-clock panel shows the measurement and seeds server-1 with it', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    // The real-clock panel is in the NTP view; the servers' cards in the clocks view.
    await page.goto(`${companion.baseUrl}?lang=en&view=ntp`);
    await page.waitForSelector('[data-testid="play"]', { timeout: 15_000 });
    // The companion's first round runs at start; the panel asks again until it ends.
    await page.waitForSelector('[data-testid="rc-offset"]', { timeout: 20_000 });
    assert.equal((await page.textContent('[data-testid="rc-stratum"]')).trim(), String(STRATUM));
    assert.match(await page.textContent('[data-testid="rc-server"]'), new RegExp(`127\\.0\\.0\\.1:${chrony.port}`));
    const offsetMs = Number(await page.getAttribute('[data-testid="rc-offset"]', 'data-value'));
    assert.ok(Number.isFinite(offsetMs) && Math.abs(offsetMs) < 50, `offset ${offsetMs} ms (same machine)`);
    assert.match(await page.textContent('[data-testid="rc-delay"]'), /ms/);
    assert.match(await page.textContent('[data-testid="rc-when"]'), /UTC/);
    // Move server-1 away first, so that applying visibly changes it.
    await page.click('[data-testid="tab-clocks"]');
    await page.fill('[data-testid="offset-input-1"]', '7');
    await page.press('[data-testid="offset-input-1"]', 'Enter');
    const moved = Number(await page.getAttribute('[data-testid="server-offset-1"]', 'data-value'));
    assert.equal(moved, 7e9);
    await page.click('[data-testid="tab-ntp"]');
    await page.waitForSelector('[data-testid="rc-offset"]', { timeout: 20_000 });
    await page.click('[data-testid="rc-apply"]');
    await page.waitForSelector('[data-testid="rc-applied"]');
    await page.click('[data-testid="tab-clocks"]');
    const ns = Number(await page.getAttribute('[data-testid="server-offset-1"]', 'data-value'));
    // server-1 runs like this machine: −offset_ms from true time (COMPANION.md).
    assert.ok(Math.abs(ns - -offsetMs * 1e6) < 1000, `server-1 offset ${ns} ns for measured ${offsetMs} ms`);
    await page.click('[data-testid="tab-ntp"]');
    await page.waitForSelector('[data-testid="rc-offset"]', { timeout: 20_000 });
    await page.locator('[data-testid="rc-panel"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(screenshotDir, 'companion-real-clock.png') });
    await page.locator('[data-testid="rc-panel"]').screenshot({ path: path.join(screenshotDir, 'companion-panel.png') });
    // A fresh measurement: 200 with a status, or 429 (the start-up round was just now).
    await page.click('[data-testid="rc-measure"]');
    await page.waitForTimeout(500);
    assert.ok(await page.isVisible('[data-testid="rc-offset"]'));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
