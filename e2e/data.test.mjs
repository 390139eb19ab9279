// End-to-end: the data view. The primary crashes (from its card's button) and the
// automatic failover happens before our eyes: the proxies mark it down, the replica
// takes the lease and becomes the primary, every proxy follows; a manual failover
// leaves writes refused for the operator's 7 minutes. Screenshots to look at:
// target/screenshots/view-data-{1280x720,1920x1080}.png (the view during a failover).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanup, pageErrors, screenshot, withPage } from './lib/harness.mjs';

after(cleanup);

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

const text = (page, id) =>
  page.evaluate((id) => document.querySelector(`[data-testid="${id}"]`).textContent.trim(), id);

/** Plays until the true time reads at least `hms`, then pauses. */
async function playUntil(page, hms) {
  await page.click('[data-testid="play"]');
  await page.waitForFunction(
    (hms) => document.querySelector('[data-testid="true-time"]').textContent >= hms,
    hms,
    { timeout: 60_000 },
  );
  const over = await page.evaluate(() =>
    document.querySelector('[data-testid="status"]').textContent.includes('Sale over'));
  if (!over) await page.click('[data-testid="play"]');
  await page.waitForTimeout(300);
}

for (const size of SIZES) {
  const tag = `${size.width}x${size.height}`;
  test(`crashing the primary: the replica takes over, at ${tag}`, () => withPage(async (page, baseUrl) => {
    // failover_auto without its scripted crash: the button does it.
    await page.goto(`${baseUrl}?lang=en&speed=20&preset=failover_auto&view=data`);
    await page.waitForSelector('[data-testid="data"]', { timeout: 15_000 });
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
    await page.goto(`${baseUrl}?lang=fr&speed=200&preset=failover_manual&view=data`);
    await page.waitForSelector('[data-testid="data"]', { timeout: 15_000 });
    assert.match(await text(page, 'dp-failover'), /manuelle/);
    await playUntil(page, '10:05:00');
    assert.equal(await text(page, 'db-role-0'), 'planté');
    assert.equal(await text(page, 'db-role-1'), 'réplica', 'the operator has not come yet');
    await playUntil(page, '10:08:00');
    assert.equal(await text(page, 'db-role-1'), 'primaire');
    assert.deepEqual(pageErrors(page), []);
  }));
