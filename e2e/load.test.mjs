// End-to-end: the load-test view. A small sweep runs in the page's Web Workers (the
// worker script is loaded, the page keeps answering while it runs), the progress bar
// fills, the plots are drawn, and every cell's figures and trace hash are those that
// `driftlab sweep` prints for the same matrix (the CLI is run here, by the test).
// Cancelling stops the workers and keeps what was done; bad input is refused (EN/FR)
// and kept in the field; the map leads to the view. Screenshots to look at:
// target/screenshots/view-load-{1280x720,1920x1080}.png.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cleanup, pageErrors, screenshot, withPage } from './lib/harness.mjs';

after(cleanup);

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `cargo xtask test` builds the binary and names it in DRIFTLAB_BIN; by hand, build it here.
const binary = process.env.DRIFTLAB_BIN ?? path.join(repoRoot, 'target', 'debug', 'driftlab');

before(() => {
  if (!process.env.DRIFTLAB_BIN) {
    const r = spawnSync('cargo', ['build', '-p', 'driftlab'], { cwd: repoRoot, stdio: 'inherit' });
    assert.equal(r.status, 0, 'cargo build -p driftlab');
  }
  assert.ok(existsSync(binary), `no driftlab binary at ${binary}`);
});

/** What `driftlab sweep` prints as JSON for this matrix. */
function cli(algorithms, instances, users, seed) {
  const r = spawnSync(binary, [
    'sweep', '--algorithms', algorithms.join(','), '--instances', instances.join(','),
    '--users', users.join(','), '--seed', String(seed), '--json',
  ], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const ALL = ['round-robin', 'least-connections', 'two-choices', 'hash-customer', 'weighted', 'hash-client'];

/** Opens the view and sets the form to this matrix. */
async function prepare(page, baseUrl, { algorithms, instances, users, seed, lang = 'en' }) {
  await page.goto(`${baseUrl}?lang=${lang}&view=load`);
  await page.waitForSelector('[data-testid="load"]', { timeout: 15_000 });
  for (const a of ALL) {
    await page.setChecked(`[data-testid="lt-alg-${a}"]`, algorithms.includes(a));
  }
  await page.fill('[data-testid="lt-instances"]', instances.join(', '));
  await page.fill('[data-testid="lt-users"]', users.join(', '));
  await page.fill('[data-testid="lt-seed"]', String(seed));
}

/** The table's rows as numbers (the English notation's thousands commas removed). */
const tableRows = (page) => page.evaluate(() =>
  [...document.querySelectorAll('[data-testid="lt-table"] tbody tr')].map((tr) => {
    const num = (col) => Number(tr.querySelector(`[data-col="${col}"]`).textContent.replaceAll(',', ''));
    const [instances, users] = tr.dataset.cell.split('x').map(Number);
    return {
      instances, users, hash: tr.dataset.hash, rps: num('rps'), mean: num('mean'),
      p50: num('p50'), p99: num('p99'), errors: num('errors'), little: num('little'),
    };
  }));

/** The figures of `driftlab sweep`'s cells for `algorithm`, rounded as the table shows them. */
const expected = (cells, algorithm) => cells
  .filter((c) => c.cell.algorithm === algorithm)
  .map((c) => ({
    instances: c.cell.instances, users: c.cell.users, hash: c.trace_hash,
    rps: Number(c.requests_per_s.toFixed(1)), mean: Number(c.mean_ms.toFixed(1)),
    p50: Number(c.p50_ms.toFixed(1)), p99: Number(c.p99_ms.toFixed(1)),
    errors: Number(c.error_pct.toFixed(2)), little: Number(c.little_users.toFixed(1)),
  }));

for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
  const tag = `${size.width}x${size.height}`;
  test(`a small sweep runs in the worker and matches driftlab sweep, at ${tag}`, () =>
    withPage(async (page, baseUrl) => {
      const matrix = { algorithms: ['round-robin', 'least-connections'], instances: [1, 5], users: [1, 10, 50], seed: 3 };
      const want = cli(matrix.algorithms, matrix.instances, matrix.users, matrix.seed);
      assert.equal(want.length, 12);
      const workers = [];
      page.on('worker', (w) => workers.push(w.url()));
      await prepare(page, baseUrl, matrix);
      assert.equal(await page.getAttribute('[data-testid="lt-status"]', 'data-state'), 'idle');
      await page.click('[data-testid="lt-run"]');
      await page.waitForFunction(
        () => document.querySelector('[data-testid="lt-status"]').dataset.state === 'done',
        null, { timeout: 60_000 });
      // The cells ran in the worker script, not on the page.
      assert.ok(workers.length >= 1 && workers.every((u) => u.endsWith('/sweep-worker_loader.js')), `${workers}`);
      const progress = await page.evaluate(() => {
        const p = document.querySelector('[data-testid="lt-progress"]');
        return [p.value, p.max];
      });
      assert.deepEqual(progress, [12, 12]);
      assert.match(await page.textContent('[data-testid="lt-status"]'), /^12 \/ 12 runs · done in /);
      // Round robin's cells, then least connections' (the plot's choice).
      assert.deepEqual(await tableRows(page), expected(want, 'round-robin'));
      await page.selectOption('[data-testid="lt-plot-algorithm"]', 'least-connections');
      assert.equal(await page.inputValue('[data-testid="lt-plot-algorithm"]'), 'least-connections');
      assert.deepEqual(await tableRows(page), expected(want, 'least-connections'));
      // Both plots drawn, one line per instance count in the legend.
      for (const id of ['lt-plot-throughput', 'lt-plot-p99']) {
        assert.ok(Number(await page.getAttribute(`[data-testid="${id}"]`, 'data-drawn')) > 0, id);
      }
      assert.equal(await page.locator('.load .chart-empty').count(), 0);
      assert.deepEqual(await page.locator('.lt-key').allTextContents(), ['1', '5']);
      // The plot's pixels: a coloured line on the throughput chart (not only axes).
      const coloured = await page.evaluate(() => {
        const c = document.querySelector('[data-testid="lt-plot-throughput"]');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) {
          const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
          if (Math.max(r, g, b) - Math.min(r, g, b) > 60) n++;
        }
        return n;
      });
      assert.ok(coloured > 200, `coloured pixels on the plot: ${coloured}`);
      await screenshot(page, `view-load-${tag}`);
      assert.deepEqual(pageErrors(page), []);
    }, { viewport: size }));
}

test('a sweep can be cancelled, and the page answers while it runs', () =>
  withPage(async (page, baseUrl) => {
    await prepare(page, baseUrl, {
      algorithms: ['round-robin'], instances: [1, 2, 3, 4, 5, 6, 7, 8], users: [500, 1000, 2000], seed: 1,
    });
    await page.click('[data-testid="lt-run"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="lt-status"]').dataset.state === 'running');
    assert.ok(await page.isDisabled('[data-testid="lt-run"]'));
    // The page itself is free: switching the language re-renders it mid-sweep.
    await page.click('[data-testid="lang-fr"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="lt-status"]').textContent.includes('parties'));
    assert.equal(await page.getAttribute('[data-testid="lt-status"]', 'data-state'), 'running');
    await page.click('[data-testid="lt-cancel"]');
    assert.equal(await page.getAttribute('[data-testid="lt-status"]', 'data-state'), 'cancelled');
    const [done, total] = await page.evaluate(() => {
      const p = document.querySelector('[data-testid="lt-progress"]');
      return [p.value, p.max];
    });
    assert.equal(total, 24);
    assert.ok(done < total, `${done} of ${total} done at the cancel`);
    assert.match(await page.textContent('[data-testid="lt-status"]'), /annulé/);
    // Nothing arrives after the cancel: the workers are gone.
    await page.waitForTimeout(1500);
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid="lt-progress"]').value), done);
    assert.ok(await page.isEnabled('[data-testid="lt-run"]'));
    assert.deepEqual(pageErrors(page), []);
  }));

test('bad input is refused in English and French, and kept in the field', () =>
  withPage(async (page, baseUrl) => {
    await page.goto(`${baseUrl}?lang=en&view=load`);
    await page.waitForSelector('[data-testid="load"]', { timeout: 15_000 });
    await page.fill('[data-testid="lt-instances"]', '1, 40');
    assert.equal(await page.textContent('[data-testid="lt-error"]'), 'Instances : instances go from 1 to 16 (40)');
    assert.ok(await page.isDisabled('[data-testid="lt-run"]'));
    await page.fill('[data-testid="lt-instances"]', '1, 5');
    await page.fill('[data-testid="lt-users"]', 'ten');
    assert.equal(await page.textContent('[data-testid="lt-error"]'), 'Users : not a whole number (ten)');
    await page.click('[data-testid="lang-fr"]');
    assert.equal(await page.textContent('[data-testid="lt-error"]'), 'Utilisateurs : pas un nombre entier (ten)');
    assert.equal(await page.inputValue('[data-testid="lt-users"]'), 'ten');
    await page.fill('[data-testid="lt-users"]', '1, 10');
    assert.equal(await page.locator('[data-testid="lt-error"]').count(), 0);
    assert.ok(await page.isEnabled('[data-testid="lt-run"]'));
    assert.deepEqual(pageErrors(page), []);
  }));

test('the map leads to the load test, and the link keeps the view', () =>
  withPage(async (page, baseUrl) => {
    await page.goto(`${baseUrl}?lang=en`);
    await page.click('[data-testid="map-load"]');
    await page.waitForSelector('[data-testid="load"]');
    assert.match(page.url(), /view=load/);
    await page.goBack();
    await page.waitForSelector('[data-testid="map"]');
    assert.deepEqual(pageErrors(page), []);
  }));
