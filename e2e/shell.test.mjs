// End-to-end: the shell. The architecture's diagram shows every layer of the core's
// list and a click on a box opens its view (in the URL, Back returns); seeking with the
// timeline shows the same figures as playing; every view fits a projector's 1280 × 720
// without scrolling. Screenshots of each view at 1280 × 720 and 1920 × 1080:
// target/screenshots/shell-<view>-<size>.png.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanup, pageErrors, screenshot, viewFit, withPage } from './lib/harness.mjs';

after(cleanup);

const VIEWS = ['map', 'clocks', 'gateway', 'ntp', 'hall', 'measures', 'anomalies', 'compare', 'data', 'sources', 'feed', 'load', 'bill'];
// The core's list of layers (for_each_layer! in crates/sim/src/msg.rs) and the view
// each opens.
const LAYERS = {
  crowd: 'hall',
  servers: 'clocks',
  database: 'measures',
  time_servers: 'ntp',
  ntp_clients: 'ntp',
  tso: 'measures',
  gateway: 'gateway',
  data: 'data',
  data_proxies: 'data',
  data_control: 'data',
  feed_capture: 'feed',
  feed: 'feed',
  cache: 'data',
  cache_readers: 'data',
  data_ntp: 'data',
};

async function open(page, baseUrl, query) {
  await page.goto(`${baseUrl}?lang=en&speed=1000&${query}`);
  await page.waitForSelector('[data-testid="view"]', { timeout: 15_000 });
}

const shownView = (page) => page.getAttribute('[data-testid="view"]', 'data-view');

/** Plays at ×1000 until `done` holds in the page, then pauses (if still playing). */
async function playUntil(page, done) {
  await page.click('[data-testid="play"]');
  await page.waitForFunction(done, null, { timeout: 60_000 });
  const playing = await page.getAttribute('[data-testid="play"]', 'aria-pressed');
  if (playing === 'true') await page.click('[data-testid="play"]');
  await page.waitForTimeout(300); // the first paused frame brings every panel up to date
}

const over = () => document.querySelector('[data-testid="status"]').textContent.includes('Sale over');

/** Every measure the page shows, the true time and the status line. */
function figures(page) {
  return page.evaluate(() => ({
    time: document.querySelector('[data-testid="true-time"]').textContent,
    status: document.querySelector('[data-testid="status"]').textContent.replace(/Running|Paused/, ''),
    metrics: Object.fromEntries([...document.querySelectorAll('[data-testid^="metric-"]')]
      .map((m) => [m.dataset.testid, m.dataset.value])),
  }));
}

test('the diagram shows every layer and a click opens its view', () =>
  withPage(async (page, baseUrl) => {
    await open(page, baseUrl, 'preset=extreme_drift');
    assert.equal(await shownView(page), 'map', 'home is the map');
    const drawn = await page.$$eval('[data-layer]', (els) => els.map((e) => e.dataset.layer));
    assert.deepEqual([...drawn].sort(), Object.keys(LAYERS).sort());
    // Five servers with their clocks (extreme_drift: 0, −30, +15, −8, +12 s).
    const servers = await page.$$eval('[data-layer="servers"] .node .offset', (els) => els.map((e) => e.textContent));
    assert.equal(servers.length, 5);
    assert.match(servers[1], /−30\.000/);
    // After the sale, the servers where seats went wrong carry the mark.
    await playUntil(page, over);
    assert.ok(await page.locator('[data-layer="servers"] .node.anomalous .badge.wrong').count() > 0);
    for (const [layer, view] of Object.entries(LAYERS)) {
      await page.click(`[data-layer="${layer}"]`);
      assert.equal(await shownView(page), view, `${layer} opens ${view}`);
      assert.match(page.url(), new RegExp(`view=${view}`));
      await page.goBack();
      await page.waitForFunction(() => document.querySelector('[data-testid="view"]').dataset.view === 'map');
    }
    // A link to a view opens it.
    await open(page, baseUrl, 'preset=extreme_drift&view=hall');
    assert.equal(await shownView(page), 'hall');
    assert.deepEqual(pageErrors(page), []);
  }));

test('seeking shows the same figures as playing', () =>
  withPage(async (page, baseUrl) => {
    await open(page, baseUrl, 'preset=extreme_drift&view=measures');
    // Played to some instant after the opening, paused there.
    await playUntil(page, () => document.querySelector('[data-testid="true-time"]').textContent >= '10:01:00');
    const t = await page.getAttribute('[data-testid="scrubber"]', 'data-t');
    const played = await figures(page);
    assert.ok(Number(played.metrics['metric-requests']) > 0);
    // Seek to the end (a click at the track's right edge), then one event back and
    // forward: the end as playing it gives.
    await playUntil(page, over);
    const end = await figures(page);
    await page.keyboard.press('r');
    const box = await page.locator('[data-testid="scrubber"]').boundingBox();
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height / 2);
    assert.notDeepEqual(await figures(page), end);
    await page.mouse.click(box.x + box.width - 1, box.y + box.height / 2);
    assert.equal(await page.getAttribute('[data-testid="scrubber"]', 'aria-valuenow'), '100.0');
    await page.focus('[data-testid="scrubber"]');
    await page.keyboard.press('Home');
    assert.equal(await page.getAttribute('[data-testid="scrubber"]', 'aria-valuenow'), '0.0');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(300);
    assert.deepEqual(await figures(page), end, 'seeking to the end shows the end of the played run');
    // The link with the position: the page opens the run at that instant.
    await open(page, baseUrl, `preset=extreme_drift&view=measures&t=${t}`);
    await page.waitForTimeout(300);
    assert.equal(await page.getAttribute('[data-testid="scrubber"]', 'data-t'), t);
    const sought = await figures(page);
    assert.deepEqual(sought.metrics, played.metrics);
    assert.equal(sought.time, played.time);
    // Dragging the playhead moves through the run (the track measured again after the
    // reload; the figures follow at the next frame, which a loaded machine may delay).
    const track = await page.locator('[data-testid="scrubber"]').boundingBox();
    await page.mouse.move(track.x + track.width * 0.2, track.y + track.height / 2);
    await page.mouse.down();
    await page.mouse.move(track.x + track.width * 0.6, track.y + track.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(
      (before) => document.querySelector('[data-testid="true-time"]').textContent > before,
      played.time,
      { timeout: 10_000 },
    );
    assert.deepEqual(pageErrors(page), []);
  }));

for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
  const tag = `${size.width}x${size.height}`;
  test(`every view fits ${tag} without scrolling`, () =>
    withPage(async (page, baseUrl) => {
      // synced: extreme drift with NTP on every server, every panel full.
      const problems = [];
      for (const view of VIEWS) {
        await open(page, baseUrl, `preset=synced&view=${view}`);
        await playUntil(page, () => document.querySelector('[data-testid="true-time"]').textContent >= '10:04:00');
        if (view === 'hall') await page.hover('[data-seat="10"]');
        const fit = await viewFit(page);
        // The map's boxes, the narrow ones of unused layers too, show their whole title and
        // "open →" link.
        if (view === 'map') {
          const clipped = await page.evaluate(() => [...document.querySelectorAll('.layer')]
            .filter((box) => {
              const b = box.getBoundingClientRect();
              return [...box.querySelectorAll('.layer-title, .layer-open')].some((el) => {
                const r = el.getBoundingClientRect();
                return r.right > b.right - 1 || r.left < b.left || el.scrollWidth > el.clientWidth + 1;
              });
            })
            .map((box) => box.querySelector('.layer-title')?.textContent ?? box.className));
          for (const c of clipped) problems.push(`map: the box "${c}" cuts its title or "open →" link`);
        }
        await screenshot(page, `shell-${view}-${tag}`);
        if (fit.page > 0) problems.push(`${view}: the page scrolls by ${fit.page} px`);
        if (fit.wide > 0) problems.push(`${view}: the page is ${fit.wide} px too wide`);
        if (size.width === 1280) {
          if (fit.board > 1) problems.push(`${view}: the view scrolls by ${fit.board} px`);
          if (fit.cut.length) problems.push(`${view}: panels that scroll inside: ${fit.cut}`);
        }
      }
      assert.deepEqual(problems, []);
      assert.deepEqual(pageErrors(page), []);
    }, { viewport: size }));
}

test('a bad parameter in the link is named, with what is used instead (FR)', () =>
  withPage(async (page, baseUrl) => {
    await page.goto(`${baseUrl}?lang=fr&preset=major_drift&customers=-3&foo=1&view=nowhere&t=23:00:00`);
    const notice = page.locator('[data-testid="link-notice"]');
    await notice.waitFor({ timeout: 15_000 });
    const text = await notice.textContent();
    assert.match(text, /« customers=-3 » dans le lien a été refusé \(Entrez un nombre entier de 1 à 50 000\) ; 2000 est utilisé/);
    assert.match(text, /« foo » du lien est inconnu/);
    assert.match(text, /« view=nowhere »/);
    // An instant after the run's end: the end is shown.
    assert.match(text, /« t=23:00:00\.000000000 »/);
    assert.equal(await page.inputValue('[data-testid="field-customers"]'), '2000');
    assert.equal(await shownView(page), 'map');
    assert.equal(await page.getAttribute('[data-testid="scrubber"]', 'aria-valuenow'), '100.0');
    // What was right in the link is used.
    assert.equal(await page.getAttribute('[data-testid="preset-major_drift"]', 'aria-pressed'), 'true');
    await page.click('[data-testid="link-notice-close"]');
    assert.equal(await notice.count(), 0);
    await screenshot(page, 'shell-link-notice-closed');
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: { width: 1280, height: 720 } }));

test('screenshots of each view after an extreme-drift sale (docs/view-*.png)', () =>
  withPage(async (page, baseUrl) => {
    await open(page, baseUrl, 'preset=extreme_drift&view=map');
    await playUntil(page, () => document.querySelector('[data-testid="true-time"]').textContent >= '10:03:00');
    for (const view of VIEWS) {
      await page.click(`[data-testid="tab-${view}"]`);
      await page.waitForTimeout(300);
      if (view === 'hall') await page.hover('[data-seat="45"]');
      await screenshot(page, `docs-view-${view}`);
    }
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: { width: 1280, height: 720 } }));
