// End-to-end: a student's phone (390 × 844, touch). Every view stacks into one column with
// nothing wider than the screen; a run is chosen, played and read with taps only.
// Screenshots: target/screenshots/phone-<view>.png (the whole page).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanup, pageErrors, screenshot, withPage } from './lib/harness.mjs';

after(cleanup);

const PHONE = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
};

/** The elements wider than the screen or reaching past its right edge. */
function overflowing(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    if (document.documentElement.scrollWidth > width) out.push(`page ${document.documentElement.scrollWidth} px`);
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      // Inside a box that scrolls sideways (the tabs, a wide table) is fine.
      let scroller = el.parentElement;
      while (scroller && !['auto', 'scroll'].includes(getComputedStyle(scroller).overflowX)) scroller = scroller.parentElement;
      if (scroller && scroller !== document.documentElement && scroller !== document.body) continue;
      if (r.right > width + 1 || r.left < -1) out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.left)}–${Math.round(r.right)}`);
    }
    return out.slice(0, 5);
  });
}

test('on a phone, every view fits the width of the screen', () =>
  withPage(async (page, baseUrl) => {
    await page.goto(`${baseUrl}?lang=en&preset=extreme_drift`);
    await page.waitForSelector('[data-testid="view"]');
    const views = await page.$$eval('.tabs .tab', (tabs) => tabs.map((t) => new URL(t.href).searchParams.get('view')));
    assert.ok(views.length >= 9, `the views' tabs: ${views}`);
    for (const view of views) {
      await page.goto(`${baseUrl}?lang=en&preset=extreme_drift&view=${view}`);
      await page.waitForSelector(`[data-testid="view"][data-view="${view}"]`);
      assert.deepEqual(await overflowing(page), [], `${view}: nothing wider than the screen`);
      await screenshot(page, `phone-${view}`);
    }
    assert.deepEqual(pageErrors(page), []);
  }, PHONE));

test('on a phone, a run is chosen, played and read by touch', () =>
  withPage(async (page, baseUrl) => {
    await page.goto(`${baseUrl}?lang=en&speed=1000`);
    await page.waitForSelector('[data-testid="view"]');
    await page.tap('[data-testid="preset-major_drift"]');
    await page.tap('.tabs .tab[href*="view=measures"]');
    await page.waitForSelector('[data-testid="view"][data-view="measures"]');
    await page.tap('[data-testid="play"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="status"]').textContent.includes('Sale over'),
      null,
      { timeout: 60_000 },
    );
    const requests = page.locator('[data-testid="metric-requests"]');
    await requests.scrollIntoViewIfNeeded();
    assert.ok(await requests.isVisible());
    assert.ok(Number(await requests.getAttribute('data-value')) > 0);
    // The figure is readable: at least 14 CSS px.
    const size = await requests.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(size >= 14, `font size ${size}`);
    assert.deepEqual(await overflowing(page), []);
    assert.deepEqual(pageErrors(page), []);
  }, PHONE));
