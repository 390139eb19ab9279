// End-to-end: the preset menus by keyboard alone. Opening a group's menu moves the focus
// into it (on the chosen preset, else the first); ↑/↓ move, Enter chooses, Escape closes
// and gives the focus back to the group's button.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanup, pageErrors, withPage } from './lib/harness.mjs';

after(cleanup);

const focused = (page) => page.evaluate(() => document.activeElement?.dataset.testid ?? document.activeElement?.tagName);

test('a preset menu works with the keyboard alone', () =>
  withPage(async (page, baseUrl) => {
    await page.goto(`${baseUrl}?lang=en&preset=extreme_drift`);
    await page.waitForSelector('[data-testid="view"]');
    const toggle = page.locator('[data-testid="group-ntp"]');
    const members = (await toggle.getAttribute('data-presets')).split(' ');
    assert.ok(members.length > 3, `the NTP group is a menu: ${members}`);
    await toggle.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.preset-menu');
    // Nothing of the group chosen yet: the focus is on its first preset.
    await page.waitForFunction((id) => document.activeElement?.dataset.testid === id, `preset-${members[0]}`);
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(page), `preset-${members[1]}`);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    assert.equal(await focused(page), `preset-${members.at(-1)}`, '↑ from the first goes round to the last');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.querySelector('.preset-menu'));
    assert.match(await toggle.getAttribute('class'), /\bactive\b/, 'the group now holds the chosen preset');
    // Reopened, the focus is on the chosen preset; Escape gives it back to the button.
    await toggle.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => document.activeElement?.dataset.testid === id, `preset-${members[1]}`);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('.preset-menu'));
    assert.equal(await focused(page), 'group-ntp');
    assert.deepEqual(pageErrors(page), []);
  }));
