// End-to-end: NTP in the browser. Switches NTP on during an extreme-drift sale and
// watches the offsets settle and the alerts come and go; checks the falseticker and
// asymmetric presets, a live fault, and the quiet "no companion" line. Screenshots go to
// target/screenshots/ntp-*.png.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { choosePreset, cleanup, pageErrors, screenshot, screenshotDir, viewFit, withPage } from './lib/harness.mjs';

after(cleanup);

/** Saves one element as target/screenshots/<name>.png (a close-up to look at). */
async function shotOf(page, testid, name) {
  await page.locator(`[data-testid="${testid}"]`).screenshot({ path: `${screenshotDir}/${name}.png` });
}

const SERVERS = (page) => page.locator('[data-testid^="ntp-row-"]').count();

async function open(page, baseUrl, speed = 1000) {
  await page.goto(`${baseUrl}?lang=en&speed=${speed}&view=ntp`);
  await page.waitForSelector('[data-testid="play"]', { timeout: 15_000 });
}

/** The level of every server's offset cell ('ok', 'red', or 'off' when NTP is off). */
function offsetLevels(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid^="ntp-row-"]')].map((row) => {
      const cell = row.querySelector('[data-testid^="ntp-offset-"]');
      return cell ? cell.dataset.level : 'off';
    }),
  );
}

async function playUntil(page, fn, arg, timeout = 60_000) {
  await page.click('[data-testid="play"]');
  await page.waitForFunction(fn, arg, { timeout });
  // Pause (if still playing) so the view is still for the checks and the screenshot.
  const playing = await page.evaluate(
    () => !document.querySelector('[data-testid="status"]').textContent.includes('Sale over'),
  );
  if (playing) await page.click('[data-testid="play"]');
  await page.waitForTimeout(300);
}

test('NTP switched on during extreme drift: offsets settle, alerts raised then cleared', () =>
  withPage(async (page, baseUrl) => {
    // ×20: NTP's first burst takes a few simulated seconds; slow enough to see it.
    await open(page, baseUrl, 20);
    // Before NTP: the panel says what it will show and how to start.
    assert.match(await page.textContent('[data-testid="ntp-empty"]'), /Switch it on/);
    assert.match(await page.textContent('[data-testid="rc-none"]'), /No companion here/);
    await page.click('[data-testid="preset-extreme_drift"]');
    const n = await SERVERS(page);
    assert.ok(n >= 3, `rows: ${n}`);
    await screenshot(page, 'ntp-before');
    await page.click('[data-testid="ntp-all-on"]');
    assert.equal(await page.locator('[data-testid="ntp-empty"]').count(), 0);
    for (let k = 1; k <= n; k++) {
      assert.equal(await page.isChecked(`[data-testid="ntp-switch-${k}"]`), true, `switch ${k}`);
    }
    // The first measurements see the drift: offsets tens of seconds, cells red.
    await page.click('[data-testid="play"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid^="ntp-offset-"][data-level="red"]') !== null,
      null,
      { timeout: 30_000 },
    );
    await page.click('[data-testid="play"]');
    await screenshot(page, 'ntp-extreme-red');
    await shotOf(page, 'ntp-panel', 'ntp-panel-red');
    // Then every clock is stepped and slewed: no red offset remains, every server synced.
    await playUntil(
      page,
      (n) => {
        const cells = [...document.querySelectorAll('[data-testid^="ntp-offset-"]')];
        const syncs = [...document.querySelectorAll('[data-testid^="ntp-sync-"]')];
        return cells.length === n && cells.every((c) => c.dataset.level === 'ok')
          && syncs.every((c) => c.dataset.level === 'ok');
      },
      n,
    );
    assert.deepEqual(await offsetLevels(page), Array(n).fill('ok'));
    const kinds = await page.$$eval('[data-testid="ntp-alerts"] li', (lis) => lis.map((li) => li.dataset.kind));
    assert.ok(kinds.length > 0, 'alert lines');
    const all = await page.textContent('[data-testid="ntp-alerts"]');
    assert.match(all, /cleared|stepped/, 'alerts cleared or clocks stepped');
    // True offsets (the cards, in the clocks view) are now within 100 ms of true time.
    await page.click('[data-testid="tab-clocks"]');
    for (let k = 1; k <= n; k++) {
      const ns = Number(await page.getAttribute(`[data-testid="server-offset-${k}"]`, 'data-value'));
      assert.ok(Math.abs(ns) < 100e6, `server-${k} true offset ${ns} ns`);
    }
    await page.click('[data-testid="tab-ntp"]');
    await page.locator('[data-testid="ntp-area"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'ntp-extreme-synced');
    await shotOf(page, 'ntp-panel', 'ntp-panel-synced');
    await shotOf(page, 'ntp-charts', 'ntp-charts-synced');
    assert.deepEqual(pageErrors(page), []);
  }));

test('ntp_falseticker: ntp-b is flagged and never followed', () =>
  withPage(async (page, baseUrl) => {
    await open(page, baseUrl);
    await choosePreset(page, 'ntp_falseticker');
    await playUntil(page, () => {
      const c = document.querySelector('[data-testid="ntp-falsetickers-1"]');
      return c && c.textContent.includes('ntp-b');
    });
    const n = await SERVERS(page);
    for (let k = 1; k <= n; k++) {
      assert.notEqual((await page.textContent(`[data-testid="ntp-source-${k}"]`)).trim(), 'ntp-b');
    }
    await page.locator('[data-testid="ntp-table"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'ntp-falseticker');
    await shotOf(page, 'ntp-panel', 'ntp-panel-falseticker');
    assert.deepEqual(pageErrors(page), []);
  }));

test('ntp_asymmetric: the exchange view says NTP cannot see the bias', () =>
  withPage(async (page, baseUrl) => {
    await open(page, baseUrl);
    await choosePreset(page, 'ntp_asymmetric');
    await playUntil(page, () => document.querySelector('[data-testid="exchange-cannot-see"]') !== null);
    assert.match(await page.textContent('[data-testid="exchange-cannot-see"]'), /NTP cannot see this/);
    assert.match(await page.textContent('[data-testid="exchange-theta"]'), /ms/);
    await page.locator('[data-testid="ntp-exchange"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'ntp-asymmetric');
    await shotOf(page, 'ntp-exchange', 'ntp-exchange-asymmetric');
    assert.deepEqual(pageErrors(page), []);
  }));

test('a live fault strikes now and shows in the alerts; French labels', () =>
  withPage(async (page, baseUrl) => {
    await open(page, baseUrl);
    await choosePreset(page, 'synced');
    await page.click('[data-testid="step"]');
    await page.click('[data-testid="fault-bump"]');
    await page.waitForSelector('[data-testid="fault-done"]');
    assert.match(await page.textContent('[data-testid="ntp-alerts"]'), /fault: clock bump \+2 s/);
    await page.click('[data-testid="lang-fr"]');
    assert.match(await page.textContent('[data-testid="ntp-alerts"]'), /panne : saut d'horloge/);
    assert.match(await page.textContent('[data-testid="ntp-panel"] h2'), /garder les horloges/);
    assert.deepEqual(pageErrors(page), []);
  }));

test('an unsynchronised client shows its root distance as at least 16 s, in French too', () =>
  withPage(async (page, baseUrl) => {
    // ntpd's loop without a drift file: stepped in the burst, then 300 s of frequency
    // watch during which the client is unsynchronised (stratum 16).
    await page.goto(`${baseUrl}?lang=fr&speed=20&preset=ntp_lan_one_source_ntpd&view=ntp`);
    await page.waitForSelector('[data-testid="play"]', { timeout: 15_000 });
    await playUntil(page, () => {
      const t = document.querySelector('[data-testid="true-time"]').textContent;
      return t >= '09:59:30';
    });
    assert.equal(await SERVERS(page), 1);
    const cell = await page.textContent('[data-testid="ntp-rootdist-1"]');
    assert.equal(cell.trim(), '≥\u00a016\u00a0s');
    assert.equal(await page.getAttribute('[data-testid="ntp-rootdist-1"]', 'data-level'), 'amber');
    await shotOf(page, 'ntp-area', 'ntp-unsynced-rootdist-fr');
    assert.deepEqual(pageErrors(page), []);
  }));

test('ntpq -p shows the tally codes of a falseticker run', () =>
  withPage(async (page, baseUrl) => {
    await page.goto(`${baseUrl}?lang=en&speed=1000&preset=ntp_falseticker&view=ntp`);
    await page.waitForSelector('[data-testid="play"]', { timeout: 15_000 });
    await playUntil(page, () => {
      const t = document.querySelector('[data-testid="true-time"]').textContent;
      return t >= '10:02:00';
    });
    await page.click('[data-testid="ntpq-pick-2"]');
    await page.waitForTimeout(200);
    const tallies = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="ntpq-row"]')].map((r) => [
        r.dataset.tally,
        r.children[1].textContent,
      ]),
    );
    // The liar ntp-b is an x; one stratum-2 server is followed (*), the other combined (+).
    assert.deepEqual(tallies.map((t) => t[1]), ['ntp-a', 'ntp-b', 'ntp-c']);
    assert.equal(tallies.find((t) => t[1] === 'ntp-b')[0], 'x');
    assert.deepEqual(tallies.map((t) => t[0]).filter((c) => c !== 'x').sort(), ['*', '+']);
    await shotOf(page, 'ntpq-panel', 'ntpq-falseticker');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await shotOf(page, 'ntpq-panel', 'ntpq-falseticker-1920x1080');
    assert.deepEqual(pageErrors(page), []);
  }));

test('the clock filter of a popcorn run shows a spike rejected, the least-delayed sample picked', () =>
  withPage(async (page, baseUrl) => {
    await page.goto(`${baseUrl}?lang=en&speed=1000&preset=ntp_popcorn&view=sources&t=10:05:00`);
    await page.waitForSelector('[data-testid="sources-area"]', { timeout: 15_000 });
    await page.waitForTimeout(300);
    // Look through every server's sources for a filter holding a 50 ms spike.
    let found = null;
    for (let k = 1; k <= 5 && !found; k++) {
      await page.click(`[data-testid="sources-pick-${k}"]`);
      for (const name of ['ntp-a', 'ntp-b', 'ntp-c']) {
        await page.click(`[data-testid="filter-pick-${name}"]`);
        await page.waitForTimeout(100);
        const stages = await page.$$eval('[data-testid="filter-stage"]', (rows) =>
          rows.map((r) => ({ verdict: r.dataset.verdict, delay: Number(r.dataset.delayMs || 'NaN') })));
        if (stages.some((s) => s.delay > 40)) {
          found = { server: k, name, stages };
          break;
        }
      }
    }
    assert.ok(found, 'a filter holds a spike');
    const { stages } = found;
    assert.equal(stages.length, 8);
    // The spike (δ over 40 ms: 50 ms late, on paths well under 1 ms) is not picked; the
    // pick is the least-delayed sample, under 1 ms.
    for (const s of stages.filter((s) => s.delay > 40)) assert.equal(s.verdict, 'longer-delay');
    const picked = stages.filter((s) => s.verdict === 'picked');
    assert.equal(picked.length, 1);
    const delays = stages.filter((s) => !Number.isNaN(s.delay)).map((s) => s.delay);
    assert.equal(picked[0].delay, Math.min(...delays));
    assert.ok(picked[0].delay < 1, `picked δ ${picked[0].delay} ms`);
    // chronyc's tables and the discipline switch are beside it.
    assert.ok(await page.locator('[data-testid="chronyc-row"]').count() >= 3);
    assert.match(await page.textContent('[data-testid="chronyc-tracking"]'), /Normal/);
    await shotOf(page, 'filter-panel', 'ntp-filter');
    await screenshot(page, 'sources-popcorn-1280x720');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(200);
    await screenshot(page, 'sources-popcorn-1920x1080');
    // The live switch: ntpd's loop (the preset's) to chrony's, and back.
    await page.setViewportSize({ width: 1280, height: 720 });
    assert.equal(await page.getAttribute('[data-testid="discipline-ntpd"]', 'aria-pressed'), 'true');
    await page.click('[data-testid="discipline-chrony"]');
    await page.waitForTimeout(200);
    assert.equal(await page.getAttribute('[data-testid="discipline-chrony"]', 'aria-pressed'), 'true');
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: { width: 1280, height: 720 } }));

/** How the NTP view shows the monitor and the exchange: each monitor row's bottom
 * below its pane's visible bottom (px, > 0 when cut; the pane not scrolled), how far
 * the table scrolls sideways, and the exchange diagram's smallest text as drawn (its
 * font size × the drawing's scale) and the smallest height of a text's box on screen. */
function ntpFit(page) {
  return page.evaluate(() => {
    const pane = document.querySelector('[data-testid="ntp-panel"]');
    const bottom = Math.min(pane.getBoundingClientRect().bottom, window.innerHeight);
    const rows = [...pane.querySelectorAll('[data-testid^="ntp-row-"]')]
      .map((r) => Math.round(r.getBoundingClientRect().bottom - bottom));
    const wrap = pane.querySelector('.ntp-table-wrap');
    const svg = document.querySelector('[data-testid="exchange-svg"]');
    const vb = svg.viewBox.baseVal;
    const r = svg.getBoundingClientRect();
    const scale = Math.min(r.width / vb.width, r.height / vb.height);
    const texts = [...svg.querySelectorAll('text')];
    return {
      scrolled: pane.scrollTop,
      rows,
      sideways: wrap.scrollWidth - wrap.clientWidth,
      table: [wrap.scrollWidth, wrap.clientWidth],
      drawn: texts.length,
      font: Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale)),
      box: Math.min(...texts.map((t) => t.getBoundingClientRect().height)),
      svg: [Math.round(r.width), Math.round(r.height)],
    };
  });
}

// At 1280 x 720 the monitor showed 3 of its 5 rows (the 4th cut 10 px, the 5th 47 px
// below its pane's edge), its table scrolled sideways by 434 px (522 in French; 13 px
// at 1920 x 1080 in French) and the exchange's text was drawn at 8.2 px (10.5 px at
// 1920): its 800-px-wide drawing squeezed into a 468-px pane. Now every row whole,
// the twelve columns in the pane, the exchange's text at least 14 px.
for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
  const tag = `${size.width}x${size.height}`;
  for (const lang of ['en', 'fr']) {
    test(`the NTP view at ${tag} (${lang}): every monitor row, no sideways scroll, the exchange's text at least 14 px`, () =>
      withPage(async (page, baseUrl) => {
        await page.goto(`${baseUrl}?lang=${lang}&preset=ntp_falseticker&view=ntp&t=10:03:00`);
        await page.waitForSelector('[data-testid="exchange-svg"]', { timeout: 20_000 });
        await page.waitForTimeout(300);
        const fit = await ntpFit(page);
        assert.equal(fit.rows.length, 5, 'five servers');
        assert.equal(fit.scrolled, 0);
        // Every defect named with its size, all at once.
        const problems = [];
        fit.rows.forEach((below, k) => { if (below > 0) problems.push(`row ${k + 1} cut by ${below} px`); });
        if (fit.sideways > 0) {
          problems.push(`the table scrolls sideways by ${fit.sideways} px (${fit.table[0]} px in ${fit.table[1]})`);
        }
        if (fit.font < 14 - 0.05) {
          problems.push(`the exchange's text drawn at ${fit.font.toFixed(1)} px (${fit.svg.join(' x ')})`);
        }
        if (fit.box < 14) problems.push(`a text of the exchange ${fit.box.toFixed(1)} px high`);
        assert.deepEqual(problems, []);
        assert.ok(fit.drawn >= 10, `${fit.drawn} texts`);
        // The three charts keep a plot one can read under the five rows: at 1280 x 720
        // their legends had taken two lines each (88 px of canvas in English, 66 in
        // French); with the servers' colours left to the monitor's rows, 135 and 91.
        const plots = await page.evaluate(() => [...document.querySelectorAll('.ntp-chart .canvas-wrap')]
          .map((w) => Math.round(w.getBoundingClientRect().height)));
        assert.equal(plots.length, 3, 'three charts');
        assert.ok(Math.min(...plots) >= 85, `the charts' canvases ${plots.join(', ')} px high`);
        const view = await viewFit(page);
        assert.equal(view.page, 0, 'the page does not scroll');
        assert.ok(view.wide <= 0, 'nothing wider than the window');
        await screenshot(page, `ntp-fit-${lang}-${tag}`);
        assert.deepEqual(pageErrors(page), []);
      }, { viewport: size }));
  }
}

// NTP off on every server (extreme drift): the note saying how to start it above the
// table pushed its fourth and fifth rows ("off") out of the pane at 1280 x 720.
for (const lang of ['en', 'fr']) {
  test(`NTP off at 1280x720 (${lang}): the note and the five rows whole`, () =>
    withPage(async (page, baseUrl) => {
      await page.goto(`${baseUrl}?lang=${lang}&preset=extreme_drift&view=ntp&t=10:03:00`);
      await page.waitForSelector('[data-testid="ntp-empty"]', { timeout: 20_000 });
      await page.waitForTimeout(300);
      const fit = await page.evaluate(() => {
        const pane = document.querySelector('[data-testid="ntp-panel"]');
        const bottom = pane.getBoundingClientRect().bottom;
        return [...pane.querySelectorAll('[data-testid^="ntp-row-"]')]
          .map((r) => Math.round(r.getBoundingClientRect().bottom - bottom));
      });
      assert.equal(fit.length, 5);
      const cut = fit.map((below, k) => [k + 1, below]).filter(([, below]) => below > 0)
        .map(([k, below]) => `row ${k} cut by ${below} px`);
      assert.deepEqual(cut, []);
      assert.deepEqual(pageErrors(page), []);
    }, { viewport: { width: 1280, height: 720 } }));
}
