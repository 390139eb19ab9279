// End-to-end: the map and the header fit a classroom's screens. The map (home) whole at
// a projector's 1280 × 720 and a big screen's 1920 × 1080, normal and projector mode,
// in English and in French, with the runs that switch the most layers on (long_day: ten
// on the request path): the panel does not scroll, either way, every box is inside it
// and shows all it holds, no text under 14 px. On a phone (390 × 844, touch) the page
// scrolls down but nothing is wider than the screen or cut. The header at 1280 × 720
// with the longest preset summaries leaves the view its room, and "more" shows the
// summary and the policy's guarantees whole.
// Screenshots: target/screenshots/fit-<preset>-<size>-<lang>.png.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanup, pageErrors, screenshot, withPage } from './lib/harness.mjs';

after(cleanup);

/** Runs with many layers on, at an instant with traffic everywhere. */
const RUNS = {
  // Every layer on: crowd, servers, gateway, data, proxies, failover, capture,
  // notifications, cache, page readers on the path; time servers, NTP clients and the
  // database's NTP clients beside.
  long_day: 't=10:00:30',
  // The data path and the cache: seven boxes on the path.
  cache_down: 't=10:00:21',
  // The change feed: five boxes on the path.
  feed_sse_vs_polling: 't=10:00:30',
  // Five servers with NTP on and the whole time hierarchy beside.
  synced: 't=10:03:00',
};

/** What the map cuts, scrolls or writes too small, one line each. */
function mapProblems(page, { phone = false } = {}) {
  return page.evaluate((phone) => {
    const out = [];
    const map = document.querySelector('[data-testid="map"]');
    const px = (v) => Math.round(v);
    if (!phone && map.scrollHeight > map.clientHeight + 1) out.push(`the map scrolls down by ${map.scrollHeight - map.clientHeight} px`);
    if (map.scrollWidth > map.clientWidth + 1) out.push(`the map scrolls sideways by ${map.scrollWidth - map.clientWidth} px`);
    const path = document.querySelector('[data-testid="map-path"]');
    if (path.scrollWidth > path.clientWidth + 1) out.push(`the request path scrolls sideways by ${path.scrollWidth - path.clientWidth} px`);
    // The room the map shows: its panel's inside, and on a phone the screen's width.
    const m = map.getBoundingClientRect();
    const room = phone
      ? { left: 0, right: window.innerWidth, top: -Infinity, bottom: Infinity }
      : { left: m.left + map.clientLeft, right: m.left + map.clientLeft + map.clientWidth,
        top: m.top + map.clientTop, bottom: m.top + map.clientTop + map.clientHeight };
    for (const box of map.querySelectorAll('.layer')) {
      const name = box.dataset.layer;
      const b = box.getBoundingClientRect();
      const outside = Math.max(room.left - b.left, b.right - room.right, room.top - b.top, b.bottom - room.bottom);
      if (outside > 1) out.push(`${name}: ${px(outside)} px outside the map's room`);
      if (box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1) {
        out.push(`${name}: its content overflows by ${box.scrollWidth - box.clientWidth} × ${box.scrollHeight - box.clientHeight} px`);
      }
      let past = 0;
      for (const el of box.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        past = Math.max(past, b.left - r.left, r.right - b.right, b.top - r.top, r.bottom - b.bottom);
      }
      if (past > 1) out.push(`${name}: text ${px(past)} px past its border`);
    }
    for (const el of map.querySelectorAll('*')) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
      if (!own || el.closest('.flight')) continue;
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      if (r.width <= 1 || s.visibility === 'hidden') continue;
      if (parseFloat(s.fontSize) < 14) out.push(`${el.className}: ${s.fontSize} "${el.textContent.trim().slice(0, 30)}"`);
    }
    return out;
  }, phone);
}

const SIZES = [
  { tag: '1280x720', viewport: { width: 1280, height: 720 }, query: '' },
  { tag: '1280x720-projector', viewport: { width: 1280, height: 720 }, query: '&projector=on' },
  { tag: '1920x1080', viewport: { width: 1920, height: 1080 }, query: '' },
  { tag: '1920x1080-projector', viewport: { width: 1920, height: 1080 }, query: '&projector=on' },
];

for (const size of SIZES) {
  test(`the map fits whole at ${size.tag}, every layer on, EN and FR`, () => withPage(async (page, baseUrl) => {
    const found = [];
    for (const lang of ['en', 'fr']) {
      for (const [preset, at] of Object.entries(RUNS)) {
        await page.goto(`${baseUrl}?lang=${lang}&preset=${preset}&view=map&${at}${size.query}`);
        await page.waitForSelector('[data-testid="map"] .layer', { timeout: 15_000 });
        await page.waitForTimeout(600); // the first frames, and the type fitted to the room
        for (const p of await mapProblems(page)) found.push(`${preset} ${lang}: ${p}`);
        if (preset === 'long_day') await screenshot(page, `fit-${preset}-${size.tag}-${lang}`);
      }
    }
    assert.deepEqual(found, [], `the map at ${size.tag}`);
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: size.viewport }));
}

test('on a phone the map scrolls down, nothing wider than the screen or cut', () => withPage(async (page, baseUrl) => {
  const found = [];
  for (const lang of ['en', 'fr']) {
    await page.goto(`${baseUrl}?lang=${lang}&preset=long_day&view=map&${RUNS.long_day}`);
    await page.waitForSelector('[data-testid="map"] .layer', { timeout: 15_000 });
    await page.waitForTimeout(600);
    for (const p of await mapProblems(page, { phone: true })) found.push(`${lang}: ${p}`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - 390);
    if (wide > 0) found.push(`${lang}: the page is ${wide} px wider than the screen`);
    await screenshot(page, `fit-long_day-phone-${lang}`);
  }
  assert.deepEqual(found, []);
  assert.deepEqual(pageErrors(page), []);
}, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }));

// The header at a projector's 1280 × 720 in normal mode: the brand and presets (one
// line of buttons, 42 px), the summary (one line beside the buttons, 40 px), the fields
// (36 px), the guarantees (one line of two chips, 26 px) and the tabs (38 px): 182 px
// and their borders, whatever the summary's length; 190 px at most, leaving the view
// and the time bar 530 px. Before, the longest summaries took three lines in English
// and four in French, the guarantees two: the view began at 228 and 250 px.
const HEADER_MAX = 190;
/** The two longest summaries in each language (presets.rs: 279 and 278 characters in
 * English, 313 and 302 in French). */
const LONGEST = ['feed_sse_vs_polling', 'failover_clock_jump'];

test('the header at 1280 × 720 leaves the view its room, the longest summaries whole on demand', () => withPage(async (page, baseUrl) => {
  const found = [];
  for (const lang of ['en', 'fr']) {
    for (const preset of LONGEST) {
      await page.goto(`${baseUrl}?lang=${lang}&preset=${preset}&view=feed`);
      await page.waitForSelector('[data-testid="view"]', { timeout: 15_000 });
      await page.waitForTimeout(300);
      const h = await page.evaluate(() => {
        const small = [];
        for (const id of ['preset-summary', 'policy-guarantees']) {
          for (const el of [document.querySelector(`[data-testid="${id}"]`), ...document.querySelectorAll(`[data-testid="${id}"] *`)]) {
            if (parseFloat(getComputedStyle(el).fontSize) < 14) small.push(`${id}: ${getComputedStyle(el).fontSize}`);
          }
        }
        return {
          top: Math.round(document.querySelector('[data-testid="view"]').getBoundingClientRect().top),
          summary: document.querySelector('[data-testid="preset-summary"]').textContent,
          small,
        };
      });
      if (h.top > HEADER_MAX) found.push(`${preset} ${lang}: the view begins at ${h.top} px (at most ${HEADER_MAX})`);
      for (const s of h.small) found.push(`${preset} ${lang}: ${s}`);
      // "more": the summary and both guarantees whole, over the view; Escape closes it.
      if (!(await page.locator('[data-testid="summary-more"]').isVisible())) {
        found.push(`${preset} ${lang}: no "more" to show the summary whole`);
        continue;
      }
      await page.click('[data-testid="summary-more"]');
      const whole = page.locator('[data-testid="scenario-whole"]');
      await whole.waitFor();
      const text = await whole.textContent();
      if (!text.includes(h.summary)) found.push(`${preset} ${lang}: "more" lacks the summary`);
      const guar = (await page.textContent('[data-testid="policy-guarantees"]')).replace(/\s+/g, ' ').trim();
      for (const part of guar.split(/[✓✗]/).map((t) => t.trim()).filter(Boolean)) {
        if (!text.replace(/\s+/g, ' ').includes(part)) found.push(`${preset} ${lang}: "more" lacks "${part.slice(0, 30)}"`);
      }
      const cut = await whole.evaluate((el) => el.getBoundingClientRect().bottom - window.innerHeight);
      if (cut > 0) found.push(`${preset} ${lang}: "more" runs ${cut} px past the window`);
      if (preset === LONGEST[0]) await screenshot(page, `fit-header-more-${lang}`);
      await page.keyboard.press('Escape');
      await whole.waitFor({ state: 'detached' });
      const top = await page.evaluate(() => document.querySelector('[data-testid="view"]').getBoundingClientRect().top);
      if (Math.round(top) !== h.top) found.push(`${preset} ${lang}: the view moved after "more" (${h.top} → ${top})`);
    }
  }
  assert.deepEqual(found, []);
  assert.deepEqual(pageErrors(page), []);
}, { viewport: { width: 1280, height: 720 } }));
