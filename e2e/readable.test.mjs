// End-to-end: every view readable from the back of a classroom, in English and in French,
// at a projector's 1280 × 720 and a big screen's 1920 × 1080, with a busy run at an
// instant after the sale opened: no text cut by its box (an ellipsis or a hidden
// overflow hiding the end of a label, a figure or a button's name) and no text under
// 14 CSS px. A pictogram alone (a seat's ✖ or ?) is a symbol, not text to read.
// Screenshots: target/screenshots/readable-<view>-<size>-<lang>.png.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanup, pageErrors, screenshot, withPage } from './lib/harness.mjs';

after(cleanup);

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

/** A busy preset for each view (its layers on) and an instant after its sale opened. */
const RUNS = {
  map: 'preset=feed_lag_clock_skew&t=10:00:30',
  gateway: 'preset=instance_crash&t=10:00:40',
  ntp: 'preset=ntp_falseticker&t=10:03:00',
  sources: 'preset=ntp_falseticker&t=10:03:00',
  data: 'preset=failover_auto&t=10:00:40',
  feed: 'preset=feed_sse_vs_polling&t=10:00:30',
  load: 'preset=load_test',
};
const BUSY = 'preset=extreme_drift&t=10:00:30';
/** The guided lesson's panel, over the view it opens. */
const LESSON = 'lesson=double-bookings&step=2';

/** The visible text the page cuts or writes too small, one line each. */
function unreadable(page) {
  return page.evaluate(() => {
    const out = [];
    // Text cut: an element that hides its overflow and is wider inside than its box
    // (an ellipsis, or words past its edge); the text may be its own or its children's.
    const name = (el) => {
      const id = el.dataset.testid ? `[${el.dataset.testid}]` : '';
      const cls = typeof el.className === 'string' && el.className.trim()
        ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      return `${el.tagName.toLowerCase()}${cls}${id}`;
    };
    for (const el of document.querySelectorAll('body *')) {
      const text = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent).join('').trim();
      const inside = el.textContent.trim();
      if (!inside) continue;
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      if (r.width <= 1 || r.height <= 1 || s.visibility === 'hidden' || Number(s.opacity) === 0) continue;
      // Text for screen readers only (clipped to nothing on purpose).
      if (s.clipPath === 'inset(50%)' || s.clip.startsWith('rect(0')) continue;
      const glyph = [...text].length === 1 && !/[\p{L}\p{N}]/u.test(text);
      const px = parseFloat(s.fontSize);
      if (text && px < 14 && !glyph) out.push(`${name(el)}: ${px} px "${text.slice(0, 40)}"`);
      const clips = !['visible', 'auto', 'scroll'].includes(s.overflowX);
      if (clips && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
        out.push(`${name(el)}: cut, ${el.scrollWidth} px of text in ${el.clientWidth} "${inside.slice(0, 40)}"`);
      }
    }
    return out;
  });
}

for (const size of SIZES) {
  for (const lang of ['en', 'fr']) {
    const tag = `${size.width}x${size.height}-${lang}`;
    test(`every view at ${tag}: no text cut, none under 14 px`, () => withPage(async (page, baseUrl) => {
      await page.goto(`${baseUrl}?lang=${lang}`);
      await page.waitForSelector('[data-testid="view"]');
      const views = await page.$$eval('.tabs .tab', (tabs) => tabs.map((t) => new URL(t.href).searchParams.get('view')));
      assert.ok(views.length >= 13, `the views' tabs: ${views}`);
      const pages = [...views.map((v) => [v, `view=${v}&${RUNS[v] ?? BUSY}`]), ['lesson', LESSON]];
      const found = [];
      for (const [what, query] of pages) {
        await page.goto(`${baseUrl}?lang=${lang}&${query}`);
        await page.waitForSelector('[data-testid="view"]', { timeout: 15_000 });
        if (what === 'lesson') await page.waitForSelector('[data-testid="lesson"]');
        await page.waitForTimeout(500); // the first frames bring every panel up to date
        for (const line of await unreadable(page)) found.push(`${what}: ${line}`);
        await screenshot(page, `readable-${what}-${tag}`);
      }
      assert.deepEqual(found, [], `unreadable text at ${tag}`);
      assert.deepEqual(pageErrors(page), []);
    }, { viewport: size }));
  }
}
