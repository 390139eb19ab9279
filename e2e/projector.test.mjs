// End-to-end: projector mode. The header's switch and the P key turn it on and off (the
// text larger, the charts drawn again with larger text at their canvas's resolution);
// the URL keeps it, a shared link carries it, a link without it opens the usual page, a
// bad value is named in the link's notice (EN, FR). In projector mode every view fits
// 1280 × 720 without vertical scrolling (neither the page nor the view nor a panel), the
// page fits 1920 × 1080, and a phone (390 × 844) keeps its one column, nothing wider
// than the screen. The gateway's five instance cards are whole in the window, with and
// without projector mode. Screenshots: target/screenshots/projector-<view>-<size>.png,
// gateway-five-[projector-]<preset>-<lang>-<size>.png.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanup, fitOfDiagram, openAnomaly, pageErrors, screenshot, viewFit, withPage } from './lib/harness.mjs';

after(cleanup);

const VIEWS = ['map', 'clocks', 'gateway', 'ntp', 'hall', 'measures', 'anomalies', 'compare', 'data', 'sources', 'feed', 'load', 'bill'];

async function open(page, baseUrl, query) {
  await page.goto(`${baseUrl}?lang=en&speed=1000&${query}`);
  await page.waitForSelector('[data-testid="view"]', { timeout: 15_000 });
}

/** Plays at ×1000 until the true time reads `hms` or the sale is over, then pauses. */
async function playUntil(page, hms) {
  await page.click('[data-testid="play"]');
  await page.waitForFunction(
    (hms) => document.querySelector('[data-testid="true-time"]').textContent >= hms
      || document.querySelector('[data-testid="status"]').textContent.includes('Sale over'),
    hms,
    { timeout: 60_000 },
  );
  if (await page.getAttribute('[data-testid="play"]', 'aria-pressed') === 'true') {
    await page.click('[data-testid="play"]');
  }
  await page.waitForTimeout(300); // the first paused frame brings every panel up to date
}

/** Whether projector mode is on, as the page shows it: the root's mark, the switch, the
 * body's text size in px, and each chart's text zoom and backing store. */
function mode(page) {
  return page.evaluate(() => ({
    marked: document.documentElement.dataset.projector === 'on',
    pressed: document.querySelector('[data-testid="projector"]').getAttribute('aria-pressed'),
    font: parseFloat(getComputedStyle(document.body).fontSize),
    query: new URLSearchParams(location.search).get('projector'),
    charts: [...document.querySelectorAll('[data-testid="view"] canvas[data-zoom]')].map((c) => ({
      zoom: Number(c.dataset.zoom),
      drawn: Number(c.dataset.drawn),
      sharp: Math.abs(c.width - Math.round(c.clientWidth * Math.max(1, devicePixelRatio))) <= 1,
    })),
  }));
}

test('the header switch and P turn projector mode on and off; charts redraw larger and sharp', () =>
  withPage(async (page, baseUrl) => {
    await open(page, baseUrl, 'preset=extreme_drift&view=clocks');
    await playUntil(page, '10:02:00');
    const before = await mode(page);
    assert.equal(before.marked, false);
    assert.equal(before.pressed, 'false');
    assert.equal(before.font, 16);
    assert.equal(before.query, null, 'a page without it says nothing of it');
    assert.equal(before.charts.length, 2);
    for (const c of before.charts) assert.equal(c.zoom, 1);
    const drawn = before.charts.map((c) => c.drawn);

    await page.click('[data-testid="projector"]');
    await page.waitForTimeout(300);
    const on = await mode(page);
    assert.equal(on.marked, true);
    assert.equal(on.pressed, 'true');
    assert.equal(on.font, 20, 'text 1.25 × larger at 1280 × 720');
    assert.equal(on.query, 'on', 'the URL keeps it');
    for (const [i, c] of on.charts.entries()) {
      assert.equal(c.zoom, 1.25, `chart ${i}: text and lines drawn 1.25 × larger`);
      assert.ok(c.drawn > drawn[i], `chart ${i} drawn again`);
      assert.ok(c.sharp, `chart ${i}: its backing store is its element's size, not scaled`);
    }
    await screenshot(page, 'projector-toggle-on');

    // P (not in a field) turns it off again; in a field, P is a letter.
    await page.keyboard.press('p');
    await page.waitForTimeout(300);
    const off = await mode(page);
    assert.equal(off.marked, false);
    assert.equal(off.pressed, 'false');
    assert.equal(off.font, 16);
    assert.equal(off.query, null, 'off leaves the link as it was');
    for (const c of off.charts) assert.equal(c.zoom, 1);
    await page.keyboard.press('Shift+P');
    await page.waitForTimeout(200);
    assert.equal((await mode(page)).marked, true, 'P with Shift too');
    // In projector mode the scenario's fields are folded away: P (off) shows them; in a
    // field, P is a letter.
    await page.keyboard.press('p');
    await page.focus('[data-testid="field-seed"]');
    await page.keyboard.press('p');
    assert.equal((await mode(page)).marked, false, 'a field keeps its letters');
    await page.keyboard.press('Escape');

    // The help lists the key.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('?');
    assert.match(await page.textContent('[data-testid="help"]'), /Projector mode on \/ off/);
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: { width: 1280, height: 720 } }));

test('the link keeps projector mode: reload, share, old links, French label', () =>
  withPage(async (page, baseUrl) => {
    await open(page, baseUrl, 'preset=synced&view=hall');
    await page.click('[data-testid="projector"]');
    assert.match(page.url(), /projector=on/);
    assert.match(page.url(), /view=hall/, 'the rest of the URL is kept');
    await page.reload();
    await page.waitForSelector('[data-testid="view"]');
    let m = await mode(page);
    assert.equal(m.marked, true, 'a reload keeps it');
    assert.equal(m.pressed, 'true');
    assert.equal(await page.getAttribute('[data-testid="view"]', 'data-view'), 'hall');
    // The share panel's link carries it, and opens in projector mode.
    await page.click('[data-testid="share-button"]');
    const link = await page.inputValue('[data-testid="share-link"]');
    assert.match(link, /[?&]projector=on(&|$)/);
    await page.goto(link.replace(/^https?:\/\/[^/]+\//, baseUrl));
    await page.waitForSelector('[data-testid="view"]');
    m = await mode(page);
    assert.equal(m.marked, true, 'the shared link opens in projector mode');
    assert.equal(await page.locator('[data-testid="link-notice"]').count(), 0);
    // A link from before projector mode: the usual page, no notice.
    await open(page, baseUrl, 'preset=synced&view=hall');
    m = await mode(page);
    assert.equal(m.marked, false);
    assert.equal(await page.locator('[data-testid="link-notice"]').count(), 0);
    // Its label in both languages.
    assert.equal((await page.textContent('[data-testid="projector"]')).trim(), 'Projector');
    await page.click('[data-testid="lang-fr"]');
    assert.equal((await page.textContent('[data-testid="projector"]')).trim(), 'Projecteur');
    assert.match(await page.getAttribute('[data-testid="projector"]', 'title'), /Mode projecteur/);
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: { width: 1280, height: 720 } }));

test('a bad projector value is named in the notice (EN, FR) and the rest is used', () =>
  withPage(async (page, baseUrl) => {
    for (const [lang, expected] of [
      ['en', /The link's “projector=big” was refused \(on or off\); off is used instead\./],
      ['fr', /« projector=big » dans le lien a été refusé \(on ou off\) ; off est utilisé à la place\./],
    ]) {
      await page.goto(`${baseUrl}?lang=${lang}&preset=major_drift&view=ntp&projector=big`);
      const notice = page.locator('[data-testid="link-notice"]');
      await notice.waitFor({ timeout: 15_000 });
      assert.match(await notice.textContent(), expected);
      const m = await mode(page);
      assert.equal(m.marked, false, 'off is used');
      assert.equal(await page.getAttribute('[data-testid="view"]', 'data-view'), 'ntp');
      assert.equal(await page.getAttribute('[data-testid="preset-major_drift"]', 'aria-pressed'), 'true');
      await screenshot(page, `projector-bad-value-${lang}`);
    }
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: { width: 1280, height: 720 } }));

for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
  const tag = `${size.width}x${size.height}`;
  test(`in projector mode every view fits ${tag} without vertical scrolling`, () =>
    withPage(async (page, baseUrl) => {
      // synced: extreme drift with NTP on every server, every panel full.
      const problems = [];
      // Every view in English; at 1280 px the longer French labels on a few too.
      const runs = VIEWS.map((view) => ['en', view]);
      if (size.width === 1280) runs.push(...['map', 'clocks', 'hall', 'measures', 'ntp'].map((v) => ['fr', v]));
      for (const [lang, view] of runs) {
        await page.goto(`${baseUrl}?lang=${lang}&speed=1000&preset=synced&view=${view}&projector=on`);
        await page.waitForSelector('[data-testid="view"]', { timeout: 15_000 });
        await playUntil(page, '10:04:00');
        if (view === 'hall') await page.hover('[data-seat="10"]');
        const fit = await viewFit(page);
        const name = lang === 'en' ? view : `${view}-${lang}`;
        await screenshot(page, `projector-${name}-${tag}`);
        if (fit.font < (size.width === 1280 ? 20 : 24)) problems.push(`${name}: text of ${fit.font} px`);
        if (fit.page > 0) problems.push(`${name}: the page scrolls by ${fit.page} px`);
        if (fit.wide > 0) problems.push(`${name}: the page is ${fit.wide} px too wide`);
        if (fit.board > 1) problems.push(`${name}: the view scrolls by ${fit.board} px`);
        if (fit.cut.length) problems.push(`${name}: panels that scroll inside: ${fit.cut}`);
      }
      assert.deepEqual(problems, []);
      assert.deepEqual(pageErrors(page), []);
    }, { viewport: size }));
}

/** The opened anomaly's diagram as drawn: its scale (px on screen per px of its
 * drawing, which keeps its proportions in its element), the rendered height of a
 * lane's name and of a clock reading, in px. */
function diagram(page) {
  return page.evaluate(() => {
    const svg = document.querySelector('[data-testid="anomaly-diagram"]');
    const box = document.querySelector('.an-diagram');
    const h = (sel) => Math.max(...[...svg.querySelectorAll(sel)].map((t) => t.getBoundingClientRect().height));
    const r = svg.getBoundingClientRect();
    return {
      scale: Math.min(r.width / svg.viewBox.baseVal.width, r.height / svg.viewBox.baseVal.height),
      name: h('.dg-name'),
      stamp: h('.dg-stamp'),
      root: parseFloat(getComputedStyle(document.documentElement).fontSize),
      // The diagram's box: how much of the drawing it shows.
      shown: { w: box.clientWidth, h: box.clientHeight },
    };
  });
}

for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
  const tag = `${size.width}x${size.height}`;
  test(`the Why? diagram grows with projector mode and the view still fits at ${tag}`, () =>
    withPage(async (page, baseUrl) => {
      await open(page, baseUrl, 'preset=extreme_drift&view=anomalies&t=10:02:00');
      await page.waitForSelector('[data-testid="anomaly-item"]', { timeout: 20_000 });
      await page.selectOption('[data-testid="anomaly-kind"]', 'wrong_winner');
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="anomaly-item"]')]
        .every((e) => e.dataset.kind === 'wrong_winner'));
      await page.locator('[data-testid="anomaly-item"]').first().click();
      await page.waitForSelector('[data-testid="anomaly-diagram"]');
      const usual = await diagram(page);
      assert.equal(usual.root, 16);
      await page.click('[data-testid="projector"]');
      await page.waitForTimeout(300);
      const big = await diagram(page);
      assert.equal(big.root, size.width === 1280 ? 20 : 24);
      // The drawing is at least as much larger as the page's text (20 / 16, 24 / 16):
      // its text, lines and marks with it.
      assert.ok(big.scale >= big.root / 16 - 0.01, `drawn at ${big.scale.toFixed(3)} ×`);
      // Its text larger on screen (the glyphs' boxes are whole pixels). Each page draws
      // it as large as its box allows, up to 1.5 × the page's zoom: this small diagram
      // already fills the usual page's box (22-px glyph boxes at 1280 × 720), projector
      // mode's taller box more (25 px). Drawn in px, as it once was, projector mode
      // left it as it was (× 1.0) at both sizes.
      const grew = 1.1;
      for (const k of ['name', 'stamp']) {
        assert.ok(big[k] >= usual[k] * grew,
          `${k}: ${usual[k].toFixed(1)} px, in projector mode ${big[k].toFixed(1)} px`);
      }
      // A clock reading (14 px of the drawing) is drawn at least 14 × 1.25 = 17.5 px
      // (× 1.5 = 21 px on 1080 lines): its glyphs' box is at least that high.
      assert.ok(big.stamp >= 14 * (big.root / 16), `clock readings ${big.stamp.toFixed(1)} px high`);
      const fit = await viewFit(page);
      assert.equal(fit.page, 0, 'the page does not scroll');
      assert.ok(fit.board <= 1, `the view scrolls by ${fit.board} px`);
      assert.deepEqual(fit.cut, [], 'no panel scrolls inside');
      assert.ok(fit.wide <= 0, 'nothing wider than the window');
      await screenshot(page, `projector-anomaly-${tag}`);
      assert.deepEqual(pageErrors(page), []);
    }, { viewport: size }));
}

// A four-lane wrong winner (two customers, two servers, seven rows) drawn 930 × 346
// px scrolled inside its 884 × 268 box at 1280 × 720, and 1 163 × 433 inside 1 006 ×
// 317 in projector mode: the room saw half of it. Now the whole diagram, every text
// at least 14 px (1.25 × that in projector mode, 1.5 × on 1080 lines), none over
// another.
for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
  const tag = `${size.width}x${size.height}`;
  for (const projector of [false, true]) {
    const mode = projector ? 'projector mode' : 'the usual page';
    for (const lang of ['en', 'fr']) {
      test(`a four-lane wrong winner is drawn whole in its box at ${tag}, ${mode}, ${lang}`, () =>
        withPage(async (page, baseUrl) => {
          await page.goto(`${baseUrl}?lang=${lang}&preset=extreme_drift&view=anomalies&t=10:02:00${projector ? '&projector=on' : ''}`);
          await page.waitForSelector('[data-testid="anomaly-item"]', { timeout: 20_000 });
          assert.ok(await openAnomaly(page, 'wrong_winner', 4), 'a four-lane wrong winner among the first 30');
          const fit = await fitOfDiagram(page);
          const at = `drawn ${fit.drawn.join(' × ')} in a box of ${fit.box.join(' × ')}`;
          assert.ok(fit.across <= 0, `the box scrolls across by ${fit.across} px (${at})`);
          assert.ok(fit.down <= 0, `the box scrolls down by ${fit.down} px (${at})`);
          const least = 14 * (fit.root / 16);
          assert.ok(fit.smallest >= least - 0.05, `text of ${fit.smallest.toFixed(1)} px (${at})`);
          assert.deepEqual(fit.overlaps, []);
          const view = await viewFit(page);
          assert.equal(view.page, 0, 'the page does not scroll');
          assert.ok(view.board <= 1, `the view scrolls by ${view.board} px`);
          assert.ok(view.wide <= 0, 'nothing wider than the window');
          await screenshot(page, `why-four-lanes-${projector ? 'projector-' : ''}${lang}-${tag}`);
          assert.deepEqual(pageErrors(page), []);
        }, { viewport: size }));
    }
  }
}

/** How the gateway's instance cards fit: how far the gateway panel scrolls inside
 * (px), and each card's overflow past the window or the panel's box (px, 0 when whole
 * inside both). */
function instancesFit(page) {
  return page.evaluate(() => {
    const panel = document.querySelector('[data-testid="gateway"]');
    const p = panel.getBoundingClientRect();
    const box = {
      top: Math.max(0, p.top), left: Math.max(0, p.left),
      bottom: Math.min(innerHeight, p.bottom), right: Math.min(innerWidth, p.right),
    };
    return {
      panel: panel.scrollHeight - panel.clientHeight,
      cards: [...panel.querySelectorAll('.instance')].map((c) => {
        const r = c.getBoundingClientRect();
        return Math.ceil(Math.max(0, box.top - r.top, box.left - r.left, r.bottom - box.bottom, r.right - box.right));
      }),
    };
  });
}

// Five instances (the gateway presets' most): in the usual page at 1280 × 720 their
// cards took two rows beside the response chart and the second was cut (the panel
// scrolled by 104 px in English, 144 in French; with worker threads 163 and 222). Now
// every card whole in the window, the panel still, in both modes and languages, at
// both sizes.
for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
  const tag = `${size.width}x${size.height}`;
  for (const projector of [false, true]) {
    const mode = projector ? 'projector mode' : 'the usual page';
    test(`five gateway instances, every card whole in the window at ${tag}, ${mode}`, () =>
      withPage(async (page, baseUrl) => {
        const problems = [];
        for (const lang of ['en', 'fr']) {
          // A crash (a card with both badges) and the worker threads (a row more).
          for (const run of ['preset=instance_crash&t=10:00:28', 'preset=lb_slow_instance&t=10:00:20']) {
            await page.goto(`${baseUrl}?lang=${lang}&view=gateway&${run}${projector ? '&projector=on' : ''}`);
            await page.waitForSelector('[data-testid="instance-4"]', { timeout: 20_000 });
            await page.waitForTimeout(300); // the first frames bring every card up to date
            const name = `${run.split('&')[0].slice(7)}-${lang}`;
            const fit = await instancesFit(page);
            assert.equal(fit.cards.length, 5, `${name}: five cards`);
            if (fit.panel > 1) problems.push(`${name}: the gateway panel scrolls by ${fit.panel} px`);
            for (const [i, out] of fit.cards.entries()) {
              if (out > 0) problems.push(`${name}: server-${i + 1}'s card ${out} px past the window or its panel`);
            }
            const view = await viewFit(page);
            if (view.page > 0) problems.push(`${name}: the page scrolls by ${view.page} px`);
            if (view.board > 1) problems.push(`${name}: the view scrolls by ${view.board} px`);
            if (view.wide > 0) problems.push(`${name}: the page is ${view.wide} px too wide`);
            await screenshot(page, `gateway-five-${projector ? 'projector-' : ''}${name}-${tag}`);
          }
        }
        assert.deepEqual(problems, []);
        assert.deepEqual(pageErrors(page), []);
      }, { viewport: size }));
  }
}

test('a phone opening a projector link keeps its one column, nothing wider than the screen', () =>
  withPage(async (page, baseUrl) => {
    const problems = [];
    for (const view of ['map', 'clocks', 'hall', 'measures']) {
      await open(page, baseUrl, `preset=extreme_drift&view=${view}&projector=on`);
      const fit = await page.evaluate(() => ({
        // The screen's 390 px (a mobile browser widens its layout viewport to the page).
        wide: document.documentElement.scrollWidth - 390,
        marked: document.documentElement.dataset.projector === 'on',
      }));
      if (!fit.marked) problems.push(`${view}: not in projector mode`);
      if (fit.wide > 0) problems.push(`${view}: ${fit.wide} px wider than the screen`);
      await screenshot(page, `projector-phone-${view}`);
    }
    // The switch works by touch.
    await page.tap('[data-testid="projector"]');
    assert.equal((await mode(page)).marked, false);
    assert.deepEqual(problems, []);
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }));

test('screenshots for the docs: extreme drift in projector mode (docs/projector-*.png)', async () => {
  for (const [size, shots] of [
    [{ width: 1280, height: 720 }, [['clocks', 'docs-projector-clocks'], ['hall', 'docs-projector-hall']]],
    [{ width: 1920, height: 1080 }, [['clocks', 'docs-projector-clocks-1920']]],
  ]) {
    await withPage(async (page, baseUrl) => {
      await open(page, baseUrl, 'preset=extreme_drift&view=clocks&projector=on');
      await playUntil(page, '10:03:00');
      for (const [view, name] of shots) {
        await page.click(`[data-testid="tab-${view}"]`);
        await page.waitForTimeout(300);
        if (view === 'hall') await page.hover('[data-seat="45"]');
        await screenshot(page, name);
      }
      assert.deepEqual(pageErrors(page), []);
    }, { viewport: size });
  }
});
