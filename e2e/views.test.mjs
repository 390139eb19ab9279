// End-to-end: the views with charts (clocks, hall, NTP) at a projector's 1280 × 720 and
// a laptop's 1920 × 1080, after a run: every chart drawn (its canvas at its element's
// size, no empty-state text), no page error. Screenshots to look at:
// target/screenshots/view-{clocks,hall,ntp,ntp-area,chart-*}-{1280x720,1920x1080}.png
// (full pages, the NTP area alone, each main chart alone).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanup, pageErrors, screenshot, screenshotDir, withPage } from './lib/harness.mjs';

after(cleanup);

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

/** Plays `preset` at ×1000 until `done` holds in the page, then pauses. */
async function run(page, baseUrl, preset, done, view) {
  await page.goto(`${baseUrl}?lang=en&speed=1000&preset=${preset}&view=${view}`);
  await page.waitForSelector('[data-testid="play"]', { timeout: 15_000 });
  await page.click('[data-testid="play"]');
  await page.waitForFunction(done, null, { timeout: 60_000 });
  const over = await page.evaluate(() =>
    document.querySelector('[data-testid="status"]').textContent.includes('Sale over'));
  if (!over) await page.click('[data-testid="play"]');
  // The first paused frame brings every panel and chart up to date.
  await page.waitForTimeout(300);
}

/** Each canvas under `selector`: drawings, backing-store size, element size × density. */
function canvases(page, selector) {
  return page.evaluate((sel) => [...document.querySelectorAll(`${sel} canvas`)].map((c) => ({
    drawn: Number(c.dataset.drawn),
    width: c.width,
    expected: Math.round(c.clientWidth * Math.max(1, window.devicePixelRatio)),
    empty: c.parentElement.querySelector('.chart-empty') !== null,
  })), selector);
}

function assertDrawn(list, what) {
  assert.ok(list.length > 0, `${what}: no canvas`);
  for (const [k, c] of list.entries()) {
    assert.ok(c.drawn >= 1, `${what} ${k}: never drawn`);
    assert.ok(Math.abs(c.width - c.expected) <= 1, `${what} ${k}: ${c.width} px for ${c.expected}`);
    assert.equal(c.empty, false, `${what} ${k}: still says what will appear`);
  }
}

for (const size of SIZES) {
  const tag = `${size.width}x${size.height}`;

  test(`the clocks and hall views at ${tag}`, () => withPage(async (page, baseUrl) => {
    await run(page, baseUrl, 'extreme_drift', () =>
      document.querySelector('[data-testid="status"]').textContent.includes('Sale over'), 'clocks');
    assertDrawn(await canvases(page, '[data-testid="view"]'), 'clocks chart');
    for (const id of ['chart-offsets', 'chart-response']) {
      await page.locator(`[data-testid="${id}"]`)
        .screenshot({ path: `${screenshotDir}/view-${id}-${tag}.png` });
    }
    await screenshot(page, `view-clocks-${tag}`);
    await page.click('[data-testid="tab-hall"]');
    await page.waitForTimeout(300);
    assertDrawn(await canvases(page, '[data-testid="view"]'), 'hall chart');
    await page.locator('[data-testid="chart-anomalies"]')
      .screenshot({ path: `${screenshotDir}/view-chart-anomalies-${tag}.png` });
    await page.hover('[data-seat="10"]');
    await screenshot(page, `view-hall-${tag}`);
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: size }));

  test(`the NTP view at ${tag}`, () => withPage(async (page, baseUrl) => {
    // The synced preset: NTP on every server; five minutes of true time.
    await run(page, baseUrl, 'synced', () => {
      const t = document.querySelector('[data-testid="true-time"]').textContent;
      return t >= '10:04:00';
    }, 'ntp');
    assertDrawn(await canvases(page, '[data-testid="ntp-charts"]'), 'NTP chart');
    await screenshot(page, `view-ntp-${tag}`);
    // The NTP area alone.
    await page.locator('[data-testid="ntp-area"]')
      .screenshot({ path: `${screenshotDir}/view-ntp-area-${tag}.png` });
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: size }));
}
