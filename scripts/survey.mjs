// A usability survey of every view: screenshots at 1280×720 (normal and projector),
// 1920×1080 and a 390×844 touch phone, in English and in French, with a busy preset at an
// instant after the sale opened, and a list of what the page measures as defects (text
// cut by its box, text under 14 px, a panel that scrolls, a touch target under 40 px,
// low contrast, a French page's text identical to the English one).
//
//   DRIFTLAB_DIST=/tmp/dist node scripts/survey.mjs OUT_DIR [view…]
//
// Writes OUT_DIR/<view>-<size>-<lang>.png and OUT_DIR/report.json.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { launchChromium, serveStatic } from '../e2e/lib/harness.mjs';

const out = path.resolve(process.argv[2] ?? 'target/survey');
const only = process.argv.slice(3);

/** A busy preset for each view and an instant after its sale opened. */
const VIEWS = {
  map: 'preset=feed_lag_clock_skew&t=10:00:30',
  clocks: 'preset=extreme_drift&t=10:00:30',
  gateway: 'preset=instance_crash&t=10:00:40',
  ntp: 'preset=ntp_falseticker&t=10:03:00',
  hall: 'preset=extreme_drift&t=10:00:30',
  measures: 'preset=extreme_drift&t=10:00:30',
  anomalies: 'preset=extreme_drift&t=10:00:30',
  compare: 'preset=extreme_drift&t=10:00:30',
  data: 'preset=failover_auto&t=10:00:40',
  sources: 'preset=ntp_falseticker&t=10:03:00',
  feed: 'preset=feed_sse_vs_polling&t=10:00:30',
  load: 'preset=load_test',
  bill: 'preset=extreme_drift&t=10:00:30',
  lesson: 'lesson=double-bookings&step=2',
};

const SIZES = [
  { tag: '1280', viewport: { width: 1280, height: 720 } },
  { tag: '1280p', viewport: { width: 1280, height: 720 }, query: '&projector=on' },
  { tag: '1920', viewport: { width: 1920, height: 1080 } },
  { tag: 'phone', viewport: { width: 390, height: 844 }, device: { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } },
];

/** What the page measures as defects. */
function measure(size) {
  const vis = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0;
  };
  const name = (el) => {
    const id = el.dataset.testid ? `[${el.dataset.testid}]` : '';
    const cls = typeof el.className === 'string' && el.className ? `.${el.className.split(' ').join('.')}` : '';
    return `${el.tagName.toLowerCase()}${cls}${id}`;
  };
  const ownText = (el) => [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
  const parse = (c) => c.match(/[\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const bg = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0.5) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const res = { small: [], clipped: [], scrolls: [], touch: [], contrast: [], texts: [] };
  const doc = document.scrollingElement;
  res.page = { vertical: doc.scrollHeight - innerHeight, wide: doc.scrollWidth - innerWidth };
  for (const el of document.querySelectorAll('body *')) {
    if (!vis(el)) continue;
    const s = getComputedStyle(el);
    const text = ownText(el);
    if (text) {
      const fs = parseFloat(s.fontSize);
      if (fs < 14) res.small.push(`${name(el)} ${fs}px "${text.slice(0, 40)}"`);
      const c = parse(s.color);
      const b = bg(el);
      const l1 = lum(c.slice(0, 3)); const l2 = lum(b);
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      if (ratio < 4.5) res.contrast.push(`${name(el)} ${ratio.toFixed(2)} "${text.slice(0, 30)}"`);
      res.texts.push(text);
    }
    if ((text || el.children.length === 0) && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0
      && s.overflowX !== 'visible' && !['auto', 'scroll'].includes(s.overflowX)) {
      res.clipped.push(`${name(el)} ${el.scrollWidth}>${el.clientWidth} "${el.textContent.trim().slice(0, 40)}"`);
    }
    if (['auto', 'scroll'].includes(s.overflowY) && el.scrollHeight > el.clientHeight + 1) {
      res.scrolls.push(`${name(el)} ${el.scrollHeight}>${el.clientHeight}`);
    }
    if (['auto', 'scroll'].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      res.scrolls.push(`${name(el)} x ${el.scrollWidth}>${el.clientWidth}`);
    }
    if (size === 'phone' && el.matches('button, a, input, select, summary, [role=button], [role=tab], [tabindex="0"]')) {
      const r = el.getBoundingClientRect();
      if (r.height < 40 || r.width < 40) res.touch.push(`${name(el)} ${Math.round(r.width)}×${Math.round(r.height)} "${(el.textContent || el.value || '').trim().slice(0, 20)}"`);
    }
  }
  return res;
}

await mkdir(out, { recursive: true });
const server = await serveStatic();
const browser = await launchChromium();
const report = {};
try {
  for (const [view, query] of Object.entries(VIEWS)) {
    if (only.length && !only.includes(view)) continue;
    for (const size of SIZES) {
      for (const lang of ['en', 'fr']) {
        const context = await browser.newContext({ viewport: size.viewport, serviceWorkers: 'block', ...(size.device ?? {}) });
        const page = await context.newPage();
        const errors = [];
        page.on('pageerror', (e) => errors.push(e.message));
        const v = view === 'lesson' ? 'hall' : view;
        await page.goto(`${server.baseUrl}?lang=${lang}&view=${v}&${query}${size.query ?? ''}`);
        await page.waitForSelector('[data-testid="view"]', { timeout: 20_000 });
        await page.waitForTimeout(1200);
        const file = `${view}-${size.tag}-${lang}.png`;
        await page.screenshot({ path: path.join(out, file), fullPage: size.tag === 'phone' });
        const m = await page.evaluate(measure, size.tag);
        m.errors = errors;
        report[`${view}-${size.tag}-${lang}`] = m;
        await context.close();
        process.stdout.write(`${file} `);
      }
    }
  }
} finally {
  await browser.close();
  await server.close();
}
// French text identical to the English one, for the same view and size.
for (const key of Object.keys(report)) {
  if (!key.endsWith('-fr')) continue;
  const en = new Set(report[key.replace(/-fr$/, '-en')]?.texts ?? []);
  report[key].same = [...new Set(report[key].texts)].filter((t) => en.has(t) && /[a-z]{3}/i.test(t));
}
for (const r of Object.values(report)) delete r.texts;
await writeFile(path.join(out, 'report.json'), JSON.stringify(report, null, 1));
console.log(`\n${out}/report.json`);
