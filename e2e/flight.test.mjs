// End-to-end: the messages in flight on the map. At low speed (×1 or slower) and when
// paused, a dot per message (at most 40) between the rows of the nodes it joins, moving
// as the run plays; faster, or when the system asks for reduced motion, a still count
// per arrow and no dot. Seeking to an instant shows the dots that playing to it shows.
// An NTP packet crosses the map (from a server's row to the time servers' box): a path
// long enough to follow at ×0.1. Screenshots of the map in the flash crowd and of the
// NTP packets at 1280 × 720 and 1920 × 1080: target/screenshots/flight-{map,ntp}-<size>.png.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanup, pageErrors, screenshot, withPage } from './lib/harness.mjs';

after(cleanup);

// synced: extreme drift with NTP on, so requests, replies, replication and NTP are all
// on the network. With 20 000 customers, two seconds after the opening about 40
// messages are in flight at once (2 000, the default, give 5 to 10).
const FLASH = 'lang=en&preset=synced&customers=20000&view=map';

async function open(page, baseUrl, query) {
  await page.goto(`${baseUrl}?${query}`);
  await page.waitForSelector('[data-testid="flight-legend"]', { timeout: 15_000 });
}

/** The dots drawn now: id → [x, y] and kind. */
function dots(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-testid="flight-dot"]')]
    .map((g) => {
      const [, x, y] = g.getAttribute('transform').match(/translate\(([-\d.]+) ([-\d.]+)\)/);
      return [g.dataset.id, { x: Number(x), y: Number(y), kind: g.dataset.kind }];
    })));
}

const mode = (page) => page.getAttribute('[data-testid="flight-legend"]', 'data-mode');
const trueTime = (page) => page.textContent('[data-testid="true-time"]');

/** Waits until some dots are drawn (the first layout after a load). */
async function someDots(page) {
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="flight-dot"]').length > 0,
    null, { timeout: 15_000 });
  await page.waitForTimeout(200);
}

test('at low speed the dots move along the arrows, at most 40, of several kinds', () =>
  withPage(async (page, baseUrl) => {
    await open(page, baseUrl, `${FLASH}&speed=0.1&t=10:00:02`);
    await someDots(page);
    assert.equal(await mode(page), 'dots');
    const before = await dots(page);
    const n = Object.keys(before).length;
    assert.ok(n > 5 && n <= 40, `${n} dots`);
    const kinds = new Set(Object.values(before).map((d) => d.kind));
    assert.ok(kinds.has('request') && kinds.has('reply'), [...kinds].join());
    const total = Number(await page.getAttribute('[data-testid="flight-total"]', 'data-value'));
    assert.ok(total >= n, `${total} in flight, ${n} drawn`);
    // Play in slow motion until 20 ms of true time have passed: the dots are still drawn
    // while playing, and have moved.
    const t0 = await trueTime(page);
    await page.click('[data-testid="play"]');
    await page.waitForFunction((t0) => document.querySelector('[data-testid="true-time"]').textContent >= t0.replace(/\.\d+$/, '.020'),
      t0, { timeout: 30_000 });
    assert.equal(await mode(page), 'dots');
    const playing = await dots(page);
    assert.ok(Object.keys(playing).length > 0, 'dots while playing at ×0.1');
    await page.click('[data-testid="play"]');
    await page.waitForTimeout(300);
    const later = await dots(page);
    const common = Object.keys(before).filter((id) => id in later);
    const moved = common.filter((id) => before[id].x !== later[id].x || before[id].y !== later[id].y);
    const changed = Object.keys(later).length !== n || common.length < n;
    assert.ok(moved.length > 0 || changed, 'the dots moved or were replaced');
    // A dot that stayed went forward along its line: never back towards its sender is
    // checked by its kind keeping its id (same message, same kind).
    for (const id of common) assert.equal(later[id].kind, before[id].kind);
    assert.deepEqual(pageErrors(page), []);
  }));

// ntp_asymmetric, seed 42: NTP's route to the time servers takes 20 ms (back: 0 ms).
// At NTP_AT, 5 ms after the run starts, each server's client has a packet a quarter
// of the way to each of its three time servers (found by playing the run in the core
// and listing the messages in flight). At ×0.1 such a packet is on screen for 0.2 s.
// (Over synced's LAN an NTP packet takes 0.2 ms: at ×0.1, 2 ms, under one frame.)
const NTP_AT = '09:59:00.005';

/** The NTP dots drawn now: id → [x, y, progress]. */
function ntpDots(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-testid="flight-dot"][data-kind="ntp"]')]
    .map((g) => {
      const [, x, y] = g.getAttribute('transform').match(/translate\(([-\d.]+) ([-\d.]+)\)/);
      return [g.dataset.id, [Number(x), Number(y), Number(g.dataset.progress)]];
    })));
}

for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
  const tag = `${size.width}x${size.height}`;
  test(`an NTP packet crosses the map at ${tag}: a long way to follow at ×0.1`, () =>
    withPage(async (page, baseUrl) => {
      await open(page, baseUrl, `lang=en&preset=ntp_asymmetric&view=map&speed=0.1&t=${NTP_AT}`);
      await page.waitForFunction(() => document.querySelector('[data-testid="flight-dot"][data-kind="ntp"]'),
        null, { timeout: 15_000 });
      await page.waitForTimeout(200);
      const before = await ntpDots(page);
      const ids = Object.keys(before);
      assert.ok(ids.length > 0);
      await screenshot(page, `flight-ntp-${tag}`);
      // Play in slow motion, and note where each of them is at every frame until
      // they have all arrived (or 3 s have passed).
      await page.click('[data-testid="play"]');
      const seen = await page.evaluate((ids) => new Promise((done) => {
        const seen = {};
        const start = performance.now();
        const look = () => {
          let left = 0;
          for (const id of ids) {
            const g = document.querySelector(`[data-testid="flight-dot"][data-id="${id}"]`);
            if (!g) continue;
            left += 1;
            const [, x, y] = g.getAttribute('transform').match(/translate\(([-\d.]+) ([-\d.]+)\)/);
            seen[id] = [Number(x), Number(y), Number(g.dataset.progress)];
          }
          if (left === 0 || performance.now() - start > 3000) done(seen);
          else requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
      }), ids);
      await page.click('[data-testid="play"]');
      // The length of a packet's whole path, from how far it went in the share of its
      // trip it made: |moved| / (progress last seen − progress paused).
      const paths = ids.filter((id) => id in seen && seen[id][2] > before[id][2] + 0.05)
        .map((id) => Math.hypot(seen[id][0] - before[id][0], seen[id][1] - before[id][1])
          / (seen[id][2] - before[id][2]));
      assert.ok(paths.length > 0, `an NTP dot seen on its way: ${JSON.stringify({ before, seen })}`);
      // Drawn between the NTP clients' box and the time servers' box beside it, a
      // packet between two rows side by side travelled 38 px at 1280 px (52 px at
      // 1920), about four times the mark's 10 px: it barely moves. Drawn from the row
      // of the server whose clock it sets, across the map, every one travels more than
      // 120 px: twelve times the mark, three times that regression. (Over 150 px when
      // the map left room under its boxes; fitted to 720 lines, its rows are closer:
      // the shortest 145 px at 1280 x 720.)
      const shortest = Math.min(...paths);
      assert.ok(paths.length >= ids.length / 2, `${paths.length} of ${ids.length} measured`);
      assert.ok(shortest > 120, `an NTP packet travels ${shortest.toFixed(0)} px (paths: ${paths.map((p) => p.toFixed(0))})`);
      assert.deepEqual(pageErrors(page), []);
    }, { viewport: size }));
}

test('at high speed each arrow shows a still count, no dot', () =>
  withPage(async (page, baseUrl) => {
    // ×10: the flash crowd's busiest seconds last a few real seconds.
    await open(page, baseUrl, `${FLASH}&speed=10&t=10:00:00`);
    await page.click('[data-testid="play"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="flight-count"]').length > 0,
      null, { timeout: 30_000 });
    // Watched over 30 frames while playing: never a dot.
    const framesWithDots = await page.evaluate(() => new Promise((done) => {
      let frames = 0;
      let withDots = 0;
      const look = () => {
        if (document.querySelector('[data-testid="flight-dot"]')) withDots += 1;
        if (++frames < 30) requestAnimationFrame(look);
        else done(withDots);
      };
      requestAnimationFrame(look);
    }));
    assert.equal(framesWithDots, 0, 'no dot while playing at ×10');
    assert.equal(await mode(page), 'counts');
    assert.match(await page.textContent('[data-testid="flight-legend"]'), /counts per arrow/);
    const counts = await page.evaluate(() => [...document.querySelectorAll('[data-testid="flight-count"]')]
      .map((g) => Number(g.dataset.value)));
    assert.ok(counts.every((c) => c > 0), counts.join());
    // Paused: the dots of that instant.
    await page.click('[data-testid="play"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="flight-legend"]').dataset.mode === 'dots');
    assert.deepEqual(pageErrors(page), []);
  }));

test('with reduced motion there is never a dot, only counts', () =>
  withPage(async (page, baseUrl) => {
    await open(page, baseUrl, `${FLASH}&speed=0.1&t=10:00:02`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="flight-count"]').length > 0,
      null, { timeout: 15_000 });
    assert.equal(await mode(page), 'counts');
    assert.match(await page.textContent('[data-testid="flight-legend"]'), /reduced motion/);
    assert.equal(Object.keys(await dots(page)).length, 0);
    const t0 = await trueTime(page);
    await page.click('[data-testid="play"]');
    await page.waitForFunction((t0) => document.querySelector('[data-testid="true-time"]').textContent > t0,
      t0, { timeout: 30_000 });
    assert.equal(Object.keys(await dots(page)).length, 0, 'no dot while playing either');
    await page.click('[data-testid="play"]');
    assert.deepEqual(pageErrors(page), []);
  }, { reducedMotion: 'reduce' }));

test('seeking to an instant shows the dots that playing to it shows', () =>
  withPage(async (page, baseUrl) => {
    await open(page, baseUrl, `${FLASH}&speed=1&t=10:00:01.800`);
    const t0 = await trueTime(page);
    await page.click('[data-testid="play"]');
    await page.waitForFunction((t0) => document.querySelector('[data-testid="true-time"]').textContent >= t0.replace(/\.\d+$/, '.950'),
      t0, { timeout: 30_000 });
    await page.click('[data-testid="play"]');
    await page.waitForTimeout(300);
    const t = await page.getAttribute('[data-testid="scrubber"]', 'data-t');
    const played = await dots(page);
    assert.ok(Object.keys(played).length > 0, `dots at ${t}`);
    // The same instant from a link: re-simulated from a checkpoint.
    await open(page, baseUrl, `${FLASH}&speed=1&t=${t}`);
    await someDots(page);
    assert.equal(await page.getAttribute('[data-testid="scrubber"]', 'data-t'), t);
    const sought = await dots(page);
    assert.deepEqual(Object.keys(sought).sort(), Object.keys(played).sort(), 'the same messages');
    for (const [id, d] of Object.entries(played)) {
      assert.ok(Math.abs(sought[id].x - d.x) <= 1 && Math.abs(sought[id].y - d.y) <= 1,
        `message ${id} at (${d.x}, ${d.y}) played, (${sought[id].x}, ${sought[id].y}) sought`);
    }
    assert.deepEqual(pageErrors(page), []);
  }));

for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
  const tag = `${size.width}x${size.height}`;
  test(`the map in the flash crowd at ${tag}, slow motion`, () =>
    withPage(async (page, baseUrl) => {
      await open(page, baseUrl, `${FLASH}&speed=0.1&t=10:00:02.110`);
      await someDots(page);
      await screenshot(page, `flight-map-${tag}`);
      const fit = await page.evaluate(() => document.scrollingElement.scrollHeight - window.innerHeight);
      if (size.width === 1280) assert.ok(fit <= 0, `the page scrolls by ${fit} px`);
      assert.deepEqual(pageErrors(page), []);
    }, { viewport: size }));
}
