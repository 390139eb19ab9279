// The app loads: the Wasm module starts, renders into <body>, and reports no errors.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanup, pageErrors, screenshot, withPage } from './lib/harness.mjs';

after(cleanup);

test('the app renders into the page without errors', () =>
  withPage(async (page, baseUrl) => {
    await page.goto(baseUrl);
    // The app mounts once its Wasm module has loaded: wait for something visible in <body>.
    const rendered = () =>
      [...document.body.children].some((el) => !['SCRIPT', 'LINK', 'STYLE', 'NOSCRIPT'].includes(el.tagName));
    await page.waitForFunction(rendered, null, { timeout: 15_000 }).catch(() => {
      assert.fail(`nothing rendered into <body> within 15 s; page errors: ${JSON.stringify(pageErrors(page))}`);
    });
    await screenshot(page, 'smoke');
    assert.deepEqual(pageErrors(page), []);
  }));
