// End-to-end: the built app in headless Chromium. Drives it as a teacher would and
// reads the figures from the page (the measures view); saves a screenshot of the hall
// view after each preset under target/screenshots/.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanup, pageErrors, screenshot, withPage } from './lib/harness.mjs';

after(cleanup);

const PRESETS = ['minor_drift', 'major_drift', 'extreme_drift', 'start_demo', 'reset'];

/** Opens the app in English at full speed and waits for it to render. */
async function open(page, baseUrl, query = '') {
  await page.goto(`${baseUrl}?lang=en&speed=1000${query}`);
  await page.waitForSelector('[data-testid="play"]', { timeout: 15_000 });
}

/** Chooses a preset, plays the sale to its end, and returns the wrong winners count. */
async function runPreset(page, name) {
  await page.click(`[data-testid="preset-${name}"]`);
  await page.click('[data-testid="play"]');
  await page.waitForFunction(
    () => document.querySelector('[data-testid="status"]').textContent.includes('Sale over'),
    null,
    { timeout: 60_000 },
  );
  await page.click('[data-testid="tab-measures"]');
  return Number(await page.getAttribute('[data-testid="metric-wrong_winners"]', 'data-value'));
}

test('extreme drift gives wrong winners; reset gives none', () =>
  withPage(async (page, baseUrl) => {
    await open(page, baseUrl);
    const extreme = await runPreset(page, 'extreme_drift');
    assert.ok(extreme > 0, `wrong winners under extreme drift: ${extreme}`);
    const shown = await page.textContent('[data-testid="metric-wrong_winners"]');
    assert.equal(Number(shown.replace(/[^0-9]/g, '')), extreme, 'the page shows the figure');
    const reset = await runPreset(page, 'reset');
    assert.equal(reset, 0, 'exact clocks decide nothing wrongly');
    assert.deepEqual(pageErrors(page), []);
  }));

test('a bad offset is refused at the field and the scenario is unchanged', () =>
  withPage(async (page, baseUrl) => {
    await open(page, baseUrl, '&view=clocks');
    await page.click('[data-testid="preset-major_drift"]');
    const before = {
      offset: await page.textContent('[data-testid="server-offset-2"]'),
      summary: await page.textContent('[data-testid="preset-summary"]'),
      status: await page.textContent('[data-testid="status"]'),
      servers: await page.locator('.server-card').count(),
    };
    await page.fill('[data-testid="offset-input-2"]', 'abc');
    await page.press('[data-testid="offset-input-2"]', 'Enter');
    const error = page.locator('[data-testid="offset-input-2-error"]');
    await error.waitFor({ state: 'visible' });
    assert.match(await error.textContent(), /Enter seconds from −60 to \+60/);
    assert.equal(await page.getAttribute('[data-testid="offset-input-2"]', 'aria-invalid'), 'true');
    assert.deepEqual(
      {
        offset: await page.textContent('[data-testid="server-offset-2"]'),
        summary: await page.textContent('[data-testid="preset-summary"]'),
        status: await page.textContent('[data-testid="status"]'),
        servers: await page.locator('.server-card').count(),
      },
      before,
    );
    // A negative customer count is refused the same way.
    await page.fill('[data-testid="field-customers"]', '-5');
    await page.press('[data-testid="field-customers"]', 'Enter');
    assert.match(await page.textContent('[data-testid="field-customers-error"]'), /from 1 to 50,000/);
    assert.deepEqual(pageErrors(page), []);
  }));

test('keyboard: space plays, R restarts, ? shows the help', () =>
  withPage(async (page, baseUrl) => {
    await open(page, baseUrl);
    await page.keyboard.press('ArrowRight');
    assert.match(await page.textContent('[data-testid="status"]'), /1 events/);
    await page.keyboard.press('Space');
    await page.waitForFunction(
      () => !document.querySelector('[data-testid="true-time"]').textContent.startsWith('09:59:00'),
    );
    await page.keyboard.press('Space');
    await page.keyboard.press('r');
    assert.match(await page.textContent('[data-testid="status"]'), /Ready/);
    assert.equal(await page.textContent('[data-testid="true-time"]'), '09:59:00.000');
    await page.keyboard.press('?');
    await page.locator('[data-testid="help"]').waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('[data-testid="help"]').count(), 0);
  }));

test('a screenshot of the main view after each preset', () =>
  withPage(async (page, baseUrl) => {
    await open(page, baseUrl);
    for (const name of PRESETS) {
      await runPreset(page, name);
      await page.click('[data-testid="tab-hall"]');
      await page.hover('[data-seat="10"]');
      const file = await screenshot(page, `preset-${name}`);
      assert.ok(file.endsWith(`preset-${name}.png`));
    }
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: { width: 1280, height: 720 } }));
