// End-to-end: the feed view. Customers choose from their own seat maps, kept up to
// date by a change feed: with SSE the maps are a few tens of ms stale; switched live to
// polling every 5 s they lag by seconds and the "seat taken" refusals grow. The
// listener is disconnected live. Screenshots to look at:
// target/screenshots/view-feed-{1280x720,1920x1080}.png (a customer's stale map beside
// the truth, under polling).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanup, pageErrors, withPage } from './lib/harness.mjs';

after(cleanup);

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

const text = (page, id) =>
  page.evaluate((id) => document.querySelector(`[data-testid="${id}"]`).textContent.trim(), id);
const number = async (page, id) =>
  Number((await text(page, id)).split('/')[0].replace(/\u2212/g, '-').replace(/[^\d.-]/g, ''));

/** Plays until the true time reads at least `hms`, then pauses. */
async function playUntil(page, hms) {
  await page.click('[data-testid="play"]');
  await page.waitForFunction(
    (hms) => document.querySelector('[data-testid="true-time"]').textContent >= hms,
    hms,
    { timeout: 90_000 },
  );
  const over = await page.evaluate(() =>
    document.querySelector('[data-testid="status"]').textContent.includes('Sale over'));
  if (!over) await page.click('[data-testid="play"]');
  await page.waitForTimeout(300);
}

for (const size of SIZES) {
  const tag = `${size.width}x${size.height}`;
  test(`switching the feed from SSE to polling live: the maps lag, refusals grow, at ${tag}`, () => withPage(async (page, baseUrl) => {
    // The same sale on SSE all along, to 10:00:30: the refusals to compare with.
    await page.goto(`${baseUrl}?lang=en&speed=20&preset=feed_sse_vs_polling&view=feed`);
    await page.waitForSelector('[data-testid="feed"]', { timeout: 15_000 });
    assert.equal(await page.getAttribute('[data-testid="feed-transport-sse"]', 'aria-pressed'), 'true');
    await playUntil(page, '10:00:30');
    const sse = {
      stale: await number(page, 'feed-staleness'),
      taken: await number(page, 'feed-taken'),
    };
    assert.ok(sse.stale > 20 && sse.stale < 100, `SSE maps ${sse.stale} ms stale`);
    // The customer's map beside the truth is drawn, seat for seat.
    assert.equal(await page.locator('[data-testid="feed-their-map"] .fd-seat').count(), 200);
    assert.equal(await page.locator('[data-testid="feed-truth-map"] .fd-seat').count(), 200);

    // The same sale afresh; at 10:00:02, in the crowd, the feed switched to polling
    // every 5 s (a live action: the run goes on).
    await page.goto(`${baseUrl}?lang=en&speed=5&preset=feed_sse_vs_polling&view=feed`);
    await page.waitForSelector('[data-testid="feed"]', { timeout: 15_000 });
    await playUntil(page, '10:00:02');
    const at = await text(page, 'true-time');
    assert.ok(at < '10:00:04', `switched at ${at}`);
    assert.ok((await number(page, 'feed-staleness')) < 100);
    await page.click('[data-testid="feed-transport-short-polling"]');
    assert.equal(await page.getAttribute('[data-testid="feed-transport-short-polling"]', 'aria-pressed'), 'true');
    assert.equal(await text(page, 'true-time'), at, 'the run goes on from where it was');
    assert.equal(await number(page, 'feed-connections'), 0, 'no connection kept open');
    // In the crowd, the most wrong map on the page shows seats free that are taken.
    await playUntil(page, '10:00:08');
    assert.ok(await page.locator('[data-testid="feed-their-map"] .stale-free').count() > 0);
    await page.screenshot({ path: `target/screenshots/view-feed-${tag}.png` });
    await playUntil(page, '10:00:30');
    const poll = {
      stale: await number(page, 'feed-staleness'),
      taken: await number(page, 'feed-taken'),
    };
    assert.ok(poll.stale > 1500, `maps ${poll.stale} ms stale on average after the switch`);
    assert.ok(poll.taken > 1.5 * sse.taken, `taken refusals ${sse.taken} → ${poll.taken}`);
    // The switch is in the link, as a live action.
    await page.click('[data-testid="share-button"]');
    const link = await page.inputValue('[data-testid="share-link"]');
    const acts = new URL(link).searchParams.getAll('act');
    assert.equal(acts.length, 1, link);
    assert.match(acts[0], /^10:00:0[234][.\d]*,\d+,feed_transport,transport=short-polling$/);
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: size }));
}

test('disconnecting the listener of a broadcast loses the changes meanwhile', () => withPage(async (page, baseUrl) => {
  await page.goto(`${baseUrl}?lang=fr&speed=5&preset=feed_listener_down&view=feed`);
  await page.waitForSelector('[data-testid="feed"]', { timeout: 15_000 });
  assert.match(await text(page, 'feed-capture'), /LISTEN\/NOTIFY/);
  // The scripted outage (10:00:05-10:00:35) has lost changes by 10:00:20.
  await playUntil(page, '10:00:20');
  assert.equal(await text(page, 'feed-listening'), 'écoute coupée');
  assert.ok(await number(page, 'feed-lost') > 0);
  await playUntil(page, '10:00:40');
  assert.equal(await text(page, 'feed-listening'), 'à l\'écoute');
  // Live: the button disconnects it again.
  await page.click('[data-testid="feed-listener"]');
  assert.equal(await text(page, 'feed-listening'), 'écoute coupée');
  await page.click('[data-testid="feed-listener"]');
  assert.equal(await text(page, 'feed-listening'), 'à l\'écoute');
  assert.deepEqual(pageErrors(page), []);
}));

test('the skewed feed reports a negative lag beside the true one', () => withPage(async (page, baseUrl) => {
  await page.goto(`${baseUrl}?lang=en&speed=20&preset=feed_lag_clock_skew&view=feed`);
  await page.waitForSelector('[data-testid="feed"]', { timeout: 15_000 });
  await playUntil(page, '10:00:10');
  assert.ok(await number(page, 'feed-reported-lag') < -1900);
  const truth = await number(page, 'feed-true-lag');
  assert.ok(truth >= 0 && truth < 5, `true lag ${truth} ms`);
  assert.deepEqual(pageErrors(page), []);
}));

for (const size of SIZES) {
  const tag = `${size.width}x${size.height}`;
  test(`the hall shows a customer's stale map beside the truth, at ${tag}`, () => withPage(async (page, baseUrl) => {
    // Without the feed the hall's side shows the anomalies over time.
    await page.goto(`${baseUrl}?lang=en&preset=extreme_drift&view=hall`);
    await page.waitForSelector('[data-testid="hall"]', { timeout: 15_000 });
    assert.equal(await page.locator('[data-testid="stale-map"]').count(), 0);
    // With the feed switched live to polling every 5 s, in the crowd.
    await page.goto(`${baseUrl}?lang=en&speed=5&preset=feed_sse_vs_polling&view=feed`);
    await page.waitForSelector('[data-testid="feed"]', { timeout: 15_000 });
    await playUntil(page, '10:00:02');
    await page.click('[data-testid="feed-transport-short-polling"]');
    await page.click('[data-testid="tab-hall"]');
    await page.waitForSelector('[data-testid="seat-grid"]', { timeout: 15_000 });
    await page.waitForSelector('[data-testid="stale-map"]', { timeout: 15_000 });
    await playUntil(page, '10:00:08');
    // The hall, the customer's map and the truth, seat for seat; the most wrong map on
    // the page shows seats free that the truth has taken.
    assert.equal(await page.locator('[data-testid="feed-their-map"] .fd-seat').count(), 200);
    assert.equal(await page.locator('[data-testid="feed-truth-map"] .fd-seat').count(), 200);
    const stale = await page.locator('[data-testid="feed-their-map"] .stale-free').count();
    assert.ok(stale > 0, `${stale} seats shown free but taken`);
    // Every seat the map shows free but taken is taken in the truth beside it.
    const wrong = await page.evaluate(() => {
      const mine = [...document.querySelectorAll('[data-testid="feed-their-map"] .fd-seat')];
      const truth = [...document.querySelectorAll('[data-testid="feed-truth-map"] .fd-seat')];
      return mine.filter((s, i) => s.classList.contains('stale-free') && !truth[i].classList.contains('taken')).length;
    });
    assert.equal(wrong, 0);
    // The view still fits the screen.
    const scroll = await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
    assert.ok(scroll <= 1, `the hall view scrolls by ${scroll} px`);
    await page.screenshot({ path: `target/screenshots/hall-stale-map-${tag}.png` });
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: size }));
}
