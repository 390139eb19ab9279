// End-to-end: the gateway panel. A crashed instance is marked down by the active health
// checks; switching the algorithm live moves the shares; a crash from the panel's button
// is noticed once the checks are switched on. Screenshots to look at:
// target/screenshots/view-gateway-{1280x720,1920x1080}.png (the panel) and
// view-gateway-page-{…}.png (the page as it opens on the panel).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  cleanup, openView, pageErrors, playUntil, screenshot, screenshotDir, text, withPage,
} from './lib/harness.mjs';

after(cleanup);

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

/** Clicks `id` with the page scrolled to the top (the sticky playback bar then covers
 * nothing of the gateway panel, right under it). */
async function click(page, id) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.click(`[data-testid="${id}"]`);
}

for (const size of SIZES) {
  const tag = `${size.width}x${size.height}`;
  test(`a crashed instance is marked down, at ${tag}`, () => withPage(async (page, baseUrl) => {
    await openView(page, baseUrl, 'lang=en&speed=50&preset=instance_crash&view=gateway', 'gateway');
    assert.equal(await text(page, 'instance-mode-2'), 'up');
    // server-3 crashes at 10:00:10; three failed probes 2 s apart mark it down.
    await playUntil(page, '10:00:25');
    assert.equal(await text(page, 'instance-mode-2'), 'crashed');
    assert.equal(await text(page, 'instance-seen-2'), 'marked down');
    assert.equal(await text(page, 'instance-seen-0'), 'in rotation');
    assert.ok(Number(await text(page, 'instance-errors-2')) > 0);
    await page.locator('[data-testid="gateway"]')
      .screenshot({ path: `${screenshotDir}/view-gateway-${tag}.png` });
    await page.locator('[data-testid="gateway"]').scrollIntoViewIfNeeded();
    await screenshot(page, `view-gateway-page-${tag}`);
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: size }));
}

test('switching the algorithm live moves the shares; a crash from the panel is noticed', () =>
  withPage(async (page, baseUrl) => {
    // ×10: the switch comes early in the flash crowd (it starts at 09:59:55).
    await openView(page, baseUrl, 'lang=en&speed=10&preset=lb_weighted&view=gateway', 'gateway');
    // With weights 3:1:1, server-1 has 3 requests in 5.
    await playUntil(page, '09:59:57');
    const weighted = Number((await text(page, 'instance-share-0')).replace(' %', ''));
    assert.ok(weighted >= 50 && weighted <= 70, `weighted share ${weighted} %`);
    await page.selectOption('[data-testid="gw-algorithm"]', 'round-robin');
    assert.match(await text(page, 'gw-algorithm-tip'), /in turn/);
    // Crash server-2 from its card, with the active checks switched on.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.check('[data-testid="gw-active"]');
    await click(page, 'instance-crash-1');
    assert.equal(await text(page, 'instance-mode-1'), 'crashed');
    await playUntil(page, '10:01:00');
    const share0 = Number((await text(page, 'instance-share-0')).replace(' %', ''));
    // Round robin over three, then two once server-2 is out: well under 3 in 5.
    assert.ok(share0 < weighted - 4, `server-1's share moved from ${weighted} %: ${share0} %`);
    assert.equal(await text(page, 'instance-seen-1'), 'marked down');
    // Restart it: back in rotation after two good probes.
    await click(page, 'instance-restart-1');
    await playUntil(page, '10:01:08');
    assert.equal(await text(page, 'instance-seen-1'), 'in rotation');
    assert.deepEqual(pageErrors(page), []);
  }));

// lb_slow_instance: the cards show each instance's threads, queue and p50/p99; the
// response chart beside them keeps most of the view's height. Screenshots:
// target/screenshots/view-gateway-slow-{1280x720,1920x1080}.png.
for (const size of SIZES) {
  const tag = `${size.width}x${size.height}`;
  test(`a slow instance's queue and latency, and a tall chart, at ${tag}`, () =>
    withPage(async (page, baseUrl) => {
      await openView(page, baseUrl, 'lang=en&speed=20&preset=lb_slow_instance&view=gateway', 'gateway');
      await playUntil(page, '10:00:20');
      assert.match(await text(page, 'instance-workers-0'), /^\d\/2 · \d+$/);
      const [, p99Slow] = (await text(page, 'instance-latency-2')).split(' / ').map(parseFloat);
      const [, p99Fast] = (await text(page, 'instance-latency-0')).split(' / ').map(parseFloat);
      assert.ok(p99Slow > 2 * p99Fast, `slow p99 ${p99Slow} ms against fast p99 ${p99Fast} ms`);
      const chart = await page.evaluate(() => {
        const c = document.querySelector('.view-gateway canvas');
        return c ? c.getBoundingClientRect().height : 0;
      });
      assert.ok(chart >= 0.4 * size.height, `the chart is ${chart} px high`);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, `view-gateway-slow-${tag}`);
      assert.deepEqual(pageErrors(page), []);
    }, { viewport: size }));
}
