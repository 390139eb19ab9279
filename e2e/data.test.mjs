// End-to-end: the data view. The primary crashes (from its card's button) and the
// automatic failover happens before our eyes: the proxies mark it down, the replica
// takes the lease and becomes the primary, every proxy follows; a manual failover
// leaves writes refused for the operator's 7 minutes. Screenshots to look at:
// target/screenshots/view-data-{1280x720,1920x1080}.png (the view during a failover).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  cleanup, openView, pageErrors, playUntil, screenshot, text, withPage,
} from './lib/harness.mjs';

after(cleanup);

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

for (const size of SIZES) {
  const tag = `${size.width}x${size.height}`;
  test(`crashing the primary: the replica takes over, at ${tag}`, () => withPage(async (page, baseUrl) => {
    // failover_auto without its scripted crash: the button does it.
    await openView(page, baseUrl, 'lang=en&speed=20&preset=failover_auto&view=data', 'data');
    assert.match(await text(page, 'dp-failover'), /automatic/);
    await playUntil(page, '10:00:05');
    assert.equal(await text(page, 'db-role-0'), 'primary');
    assert.equal(await text(page, 'db-role-1'), 'replica');
    assert.match(await text(page, 'db-lag-1'), /^1\d\d ms$/, 'about 120 ms behind');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.click('[data-testid="db-crash-0"]');
    assert.equal(await text(page, 'db-role-0'), 'crashed');
    // Within a few checks every proxy has it down; writes are refused.
    await playUntil(page, '10:00:15');
    assert.match(await text(page, 'dp-proxy-0'), /db-1 marked down/);
    await page.screenshot({ path: `target/screenshots/view-data-${tag}.png` });
    // The lease (ttl 30 s) expires; the replica takes it and the proxies follow.
    await playUntil(page, '10:00:50');
    assert.equal(await text(page, 'db-role-1'), 'primary');
    assert.equal(await text(page, 'dp-leader'), 'db-2');
    for (const s of [0, 1, 2]) assert.match(await text(page, `dp-proxy-${s}`), /→ db-2 in rotation/);
    assert.ok(Number((await text(page, "dp-refused")).replace(/\D/g, "")) > 0);
    await screenshot(page, `view-data-after-${tag}`);
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: size }));
}

test('a manual failover refuses writes for the operator\'s minutes', () =>
  withPage(async (page, baseUrl) => {
    await openView(page, baseUrl, 'lang=fr&speed=200&preset=failover_manual&view=data', 'data');
    assert.match(await text(page, 'dp-failover'), /manuelle/);
    await playUntil(page, '10:05:00');
    assert.equal(await text(page, 'db-role-0'), 'planté');
    assert.equal(await text(page, 'db-role-1'), 'réplica', 'the operator has not come yet');
    await playUntil(page, '10:08:00');
    assert.equal(await text(page, 'db-role-1'), 'primaire');
    assert.deepEqual(pageErrors(page), []);
  }));

// The cache in the data view: its hit ratio and TTLs ticking; taken down from its
// button, the pages fall through to a database of 300 queries a second and fail; the
// data path's buttons partition, promote and fence. Screenshots to look at:
// target/screenshots/view-data-cache-{up-,}{1280x720,1920x1080}.png (up, then down).
for (const size of SIZES) {
  const tag = `${size.width}x${size.height}`;
  test(`the cache taken down saturates the database, at ${tag}`, () => withPage(async (page, baseUrl) => {
    await openView(page, baseUrl, 'lang=en&speed=10&preset=cache_down&view=data', 'cache');
    assert.equal(await text(page, 'ca-state'), 'up');
    assert.equal(await text(page, 'ca-single-flight'), 'off');
    await playUntil(page, '10:00:20');
    const hit = parseFloat(await text(page, 'ca-hit'));
    assert.ok(hit > 50, `hit ratio ${hit} %`);
    // The hot key (A10) is in the cache, its TTL ticking under 60 s.
    assert.match(await text(page, 'ca-key-9'), /^A10\s*(held|free)( ⚠)?\s*\d+ s$/);
    assert.equal(await text(page, 'ca-errors'), '0');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, `view-data-cache-up-${tag}`);
    await page.click('[data-testid="ca-toggle"]');
    assert.equal(await text(page, 'ca-state'), 'down');
    assert.equal(await text(page, 'ca-toggle'), 'bring back');
    await playUntil(page, '10:00:30');
    assert.ok(Number((await text(page, 'ca-errors')).replace(/\D/g, '')) > 100, 'pages fail');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, `view-data-cache-${tag}`);
    await page.click('[data-testid="ca-toggle"]');
    assert.equal(await text(page, 'ca-state'), 'up');
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: size }));
}

test('partition the primary, promote the replica by hand, fence the old primary', () =>
  withPage(async (page, baseUrl) => {
    await openView(page, baseUrl, 'lang=fr&speed=5&preset=failover_manual&view=data', 'data');
    await playUntil(page, '10:00:05');
    assert.equal(await text(page, 'db-role-0'), 'primaire');
    assert.ok(await page.isDisabled('[data-testid="db-promote-0"]'), 'a primary is not promoted');
    assert.ok(await page.isDisabled('[data-testid="db-fence-1"]'), 'a replica is not fenced');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.click('[data-testid="db-partition-0"]');
    await page.click('[data-testid="db-promote-1"]');
    assert.equal(await text(page, 'db-role-1'), 'primaire');
    assert.equal(await text(page, 'db-role-0'), 'primaire', 'cut off, it still takes itself for the primary');
    await playUntil(page, '10:00:10');
    assert.equal(await text(page, 'dp-primaries'), '2');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.click('[data-testid="db-fence-0"]');
    assert.equal(await text(page, 'db-role-0'), 'rétrogradé');
    assert.deepEqual(pageErrors(page), []);
  }));
