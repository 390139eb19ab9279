// End-to-end: choose a cure for clock error and read what it guarantees and what it
// does not, in English and in French; a link (`?policy=tso`) opens a cure. Screenshots to look
// at: target/screenshots/cures-{commit-wait,tso-fr}-{1280x720,1920x1080}.png.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanup, pageErrors, screenshot, withPage } from './lib/harness.mjs';

after(cleanup);

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

const guarantees = (page) =>
  page.locator('[data-testid="policy-guarantees"]').textContent();

for (const size of SIZES) {
  const tag = `${size.width}x${size.height}`;

  test(`choosing a cure shows its guarantees at ${tag}`, () => withPage(async (page, baseUrl) => {
    await page.goto(`${baseUrl}?lang=en&preset=extreme_drift`);
    await page.waitForSelector('[data-testid="policy"]', { timeout: 15_000 });
    const menu = await page.locator('[data-testid="policy"] option').evaluateAll(
      (os) => os.map((o) => o.value));
    assert.deepEqual(menu,
      ['local-timestamp', 'no-lock', 'unique', 'lamport', 'hlc', 'commit-wait', 'tso']);
    assert.match(await guarantees(page), /slow clock steals seats/);

    await page.selectOption('[data-testid="policy"]', 'commit-wait');
    await page.waitForFunction(() => document
      .querySelector('[data-testid="policy-guarantees"]').textContent.includes('ε bounds'));
    const text = await guarantees(page);
    assert.match(text, /Guarantees.*no confirmation is ever taken back/);
    assert.match(text, /Does not.*closer than 2ε/);
    await screenshot(page, `cures-commit-wait-${tag}`);

    await page.selectOption('[data-testid="policy"]', 'lamport');
    await page.waitForFunction(() => document
      .querySelector('[data-testid="policy-guarantees"]').textContent.includes('later click can win'));
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: size }));

  test(`the link opens a cure, in French, at ${tag}`, () => withPage(async (page, baseUrl) => {
    await page.goto(`${baseUrl}?lang=fr&preset=extreme_drift&policy=tso`);
    await page.waitForSelector('[data-testid="policy-guarantees"]', { timeout: 15_000 });
    assert.equal(await page.locator('[data-testid="policy"]').inputValue(), 'tso');
    const text = await guarantees(page);
    assert.match(text, /Garantit.*ordonnées comme elles ont atteint l'oracle/);
    assert.match(text, /Ne garantit pas.*point de défaillance unique/);
    await screenshot(page, `cures-tso-fr-${tag}`);
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: size }));
}
