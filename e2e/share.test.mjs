// End-to-end: the whole scenario in the link, the scenario file, the exports.
// A link made after clock edits and a fault reproduces the same figures after reload; a
// bad field or action in a link is named in the notice (EN and FR); export then import
// gives the same scenario and a bad file is refused with the field and its range, the
// running scenario unchanged; the CSV tables and the JSON-lines history download and parse; a chart saves as a
// 1920 × 1080 PNG. Screenshot: target/screenshots/share-panel-<size>.png.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, test } from 'node:test';
import { choosePreset, cleanup, pageErrors, screenshot, withPage } from './lib/harness.mjs';

after(cleanup);

async function open(page, url) {
  await page.goto(url);
  await page.waitForSelector('[data-testid="view"]', { timeout: 15_000 });
}

/** Plays until `done` holds in the page, then pauses. */
async function playUntil(page, done) {
  await page.click('[data-testid="play"]');
  await page.waitForFunction(done, null, { timeout: 60_000 });
  if ((await page.getAttribute('[data-testid="play"]', 'aria-pressed')) === 'true') {
    await page.click('[data-testid="play"]');
  }
  await page.waitForTimeout(300);
}

const trueTime = () => document.querySelector('[data-testid="true-time"]').textContent;

/** The true time, the status and every measure the measures view shows. */
function figures(page) {
  return page.evaluate(() => ({
    time: document.querySelector('[data-testid="true-time"]').textContent,
    status: document.querySelector('[data-testid="status"]').textContent,
    metrics: Object.fromEntries([...document.querySelectorAll('[data-testid^="metric-"]')]
      .map((m) => [m.dataset.testid, m.dataset.value])),
  }));
}

/** The share panel's link. */
async function sharedLink(page) {
  await page.click('[data-testid="share-button"]');
  const link = await page.inputValue('[data-testid="share-link"]');
  await closeShare(page);
  return link;
}

/** Closes the share panel (a click beside it). */
async function closeShare(page) {
  await page.locator('.menu-backdrop').click({ position: { x: 5, y: 5 } });
}

/** Clicks `selector` and returns the file it downloads: its name and text. */
async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const buf = await readFile(await file.path());
  return { name: file.suggestedFilename(), buf, text: buf.toString('utf8').replace(/^\uFEFF/, '') };
}

/** RFC 4180: the records of a CSV text, each a list of fields. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; }
    else field += c;
  }
  assert.equal(quoted, false, 'every quote is closed');
  assert.equal(field + row.join(''), '', 'the file ends with a line break');
  return rows;
}

test('a link made after clock edits and a fault reproduces the same figures after reload', () =>
  withPage(async (page, baseUrl) => {
    await open(page, `${baseUrl}?lang=en&speed=1000&preset=synced&customers=600&view=clocks`);
    await playUntil(page, () => document.querySelector('[data-testid="true-time"]').textContent >= '10:00:05');
    // A clock edit while the sale runs (a live action), then a fault from the NTP view.
    await page.fill('[data-testid="offset-input-2"]', '7');
    await page.press('[data-testid="offset-input-2"]', 'Enter');
    await page.click('[data-testid="tab-ntp"]');
    await page.click('[data-testid="fault-bump"]');
    await page.waitForSelector('[data-testid="fault-done"]');
    await page.click('[data-testid="tab-measures"]');
    await playUntil(page, () => document.querySelector('[data-testid="true-time"]').textContent >= '10:01:30');
    const played = await figures(page);
    assert.ok(Number(played.metrics['metric-requests']) > 0);
    const link = await sharedLink(page);
    const query = new URL(link).searchParams;
    assert.equal(query.get('preset'), 'synced');
    assert.equal(query.get('crowd.customers'), '600');
    assert.equal(query.getAll('act').length, 2, link);
    assert.match(query.getAll('act')[0], /,set_offset,offset_ns=7000000000,server=1$/);
    assert.match(query.getAll('act')[1], /,inject,.*kind=clock_bump/);
    assert.equal(query.get('view'), 'measures');
    assert.ok(query.get('t').startsWith(played.time.slice(0, 8)), query.get('t'));
    // Opened afresh, in another page: the same run at the same moment.
    await open(page, link);
    await page.waitForTimeout(300);
    assert.equal(await page.locator('[data-testid="link-notice"]').count(), 0, 'nothing refused');
    assert.deepEqual(await figures(page), played);
    await page.click('[data-testid="tab-clocks"]');
    assert.match(await page.textContent('[data-testid="server-2"]'), /server-2/);
    // Without its actions, the same scenario gives other figures.
    const bare = new URL(link);
    bare.searchParams.delete('act');
    await open(page, bare.toString());
    await page.waitForTimeout(300);
    assert.notDeepEqual((await figures(page)).metrics, played.metrics);
    assert.deepEqual(pageErrors(page), []);
  }));

test('a bad field or action in a link is named with what is used instead', () =>
  withPage(async (page, baseUrl) => {
    const q = 'preset=extreme_drift&servers.1.clock.skew_ppm=5000&ntp.pol=6&act=10:00:10,5,warp&hall.rows=12';
    await open(page, `${baseUrl}?lang=en&${q}`);
    const notice = page.locator('[data-testid="link-notice"]');
    await notice.waitFor({ timeout: 15_000 });
    let text = await notice.textContent();
    assert.match(text, /The link's “servers\.1\.clock\.skew_ppm=5000” was refused \(must be between -1000 and 1000 ppm\); 0\.0 is used instead\./);
    assert.match(text, /The link's parameter “ntp\.pol” is unknown/);
    assert.match(text, /The link's action “10:00:10,5,warp” was refused \(unknown variant/);
    // What was right is used.
    assert.equal(await page.inputValue('[data-testid="field-rows"]'), '12');
    await open(page, `${baseUrl}?lang=fr&${q}`);
    text = await notice.textContent();
    assert.match(text, /« servers\.1\.clock\.skew_ppm=5000 » dans le lien a été refusé \(doit être entre -1000 et 1000 ppm\) ; 0\.0 est utilisé à la place\./);
    assert.match(text, /L'action « 10:00:10,5,warp » du lien a été refusée/);
    assert.deepEqual(pageErrors(page), []);
  }, { viewport: { width: 1280, height: 720 } }));

test('export then import gives the same scenario; a bad file is refused, the run kept', () =>
  withPage(async (page, baseUrl) => {
    await open(page, `${baseUrl}?lang=en&speed=1000&preset=major_drift&customers=500`);
    await playUntil(page, () => document.querySelector('[data-testid="true-time"]').textContent >= '10:00:10');
    await page.click('[data-testid="tab-clocks"]');
    await page.fill('[data-testid="offset-input-1"]', '-4');
    await page.press('[data-testid="offset-input-1"]', 'Enter');
    await page.click('[data-testid="share-button"]');
    const exported = await download(page, '[data-testid="scenario-export"]');
    assert.match(exported.name, /^driftlab-major_drift-seed42\.json$/);
    const scenario = JSON.parse(exported.text);
    assert.equal(scenario.format, 'driftlab-scenario-1');
    assert.equal(scenario.config.crowd.customers, 500);
    assert.equal(scenario.actions.length, 1);
    assert.equal(scenario.actions[0].action.action, 'set_offset');
    await closeShare(page);
    // Another scenario, then the file back.
    await choosePreset(page, 'reset');
    await page.click('[data-testid="share-button"]');
    await page.setInputFiles('[data-testid="scenario-import"]', {
      name: 'mine.json', mimeType: 'application/json', buffer: exported.buf,
    });
    await page.waitForFunction(() => document.querySelector('[data-testid="import-status"]').textContent !== '');
    assert.match(await page.textContent('[data-testid="import-status"]'), /Scenario imported/);
    const again = await download(page, '[data-testid="scenario-export"]');
    assert.deepEqual(JSON.parse(again.text), scenario);
    await screenshot(page, 'share-panel-1400x900');
    // A bad file: refused with the field's path and range; the scenario stays.
    const bad = structuredClone(scenario);
    bad.config.servers[0].clock.skew_ppm = 5000;
    await page.setInputFiles('[data-testid="scenario-import"]', {
      name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)),
    });
    await page.waitForFunction(() => /refused/.test(document.querySelector('[data-testid="import-status"]').textContent));
    assert.equal(
      await page.textContent('[data-testid="import-status"]'),
      'This file was refused: config.servers[0].clock.skew_ppm: must be between -1000 and 1000 ppm. The running scenario is unchanged.',
    );
    await page.setInputFiles('[data-testid="scenario-import"]', {
      name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"config": {"hall": {"rows": "ten"}}}'),
    });
    await page.waitForFunction(() => /config\.hall\.rows/.test(document.querySelector('[data-testid="import-status"]').textContent));
    const kept = await download(page, '[data-testid="scenario-export"]');
    assert.deepEqual(JSON.parse(kept.text), scenario, 'the running scenario is unchanged');
    assert.deepEqual(pageErrors(page), []);
  }));

test('the tables download as CSV that parses; a chart as a 1920 × 1080 PNG; the link copies', () =>
  withPage(async (page, baseUrl) => {
    await open(page, `${baseUrl}?lang=fr&speed=1000&preset=extreme_drift&customers=400&view=clocks`);
    await playUntil(page, () => document.querySelector('[data-testid="status"]').textContent.includes('terminée'));
    await page.click('[data-testid="share-button"]');
    const expected = {
      log: ['true_time', 'true_s', 'server', 'stamp', 'stamp_s', 'event', 'reason', 'customer', 'seat', 'request', 'anomalies'],
      measures: ['measure', 'value'],
      history: ['true_time', 'true_s', 'node', 'local_time', 'local_s', 'observation', 'fields'],
      anomalies: ['anomaly', 'true_time', 'true_s', 'request', 'seat', 'explanation'],
    };
    for (const table of ['log', 'measures', 'servers', 'history', 'anomalies']) {
      const file = await download(page, `[data-testid="csv-${table}"]`);
      assert.equal(file.name, `driftlab-extreme_drift-seed42-${table}.csv`);
      const rows = parseCsv(file.text);
      assert.ok(rows.length > 1, `${table}: some lines`);
      if (expected[table]) assert.deepEqual(rows[0], expected[table]);
      for (const r of rows) assert.equal(r.length, rows[0].length, `${table}: ${r}`);
      if (table === 'servers') {
        assert.equal(rows.length, 6);
        const id = rows[0].indexOf('id');
        assert.deepEqual(rows.slice(1).map((r) => r[id]), ['server-1', 'server-2', 'server-3', 'server-4', 'server-5']);
        const offset = rows[0].indexOf('offset_ms');
        assert.equal(Number(rows[2][offset]), -30000, 'a decimal point, no grouping');
      }
      if (table === 'anomalies') {
        // French sentences, commas and all, each in one field.
        assert.ok(rows.some((r) => r[0] === 'wrong_winner' && /^La place .*, /.test(r[5])), rows[1].join(' | '));
      }
    }
    // The history as JSON lines: one observation a line, each with its head fields.
    const jsonl = await download(page, '[data-testid="jsonl-history"]');
    assert.equal(jsonl.name, 'driftlab-extreme_drift-seed42-history.jsonl');
    const obs = jsonl.text.trimEnd().split('\n').map((l) => JSON.parse(l));
    const historyCsv = parseCsv((await download(page, '[data-testid="csv-history"]')).text);
    assert.equal(obs.length, historyCsv.length - 1, 'as many as the CSV history has rows');
    for (const o of obs.slice(0, 50)) {
      for (const k of ['t', 't_ns', 'node', 'local', 'local_ns', 'obs']) assert.ok(k in o, `${k}`);
    }
    await closeShare(page);
    const png = await download(page, '[data-testid="chart-offsets"] [data-testid="chart-png"]');
    assert.match(png.name, /\.png$/);
    assert.equal(png.buf.subarray(1, 4).toString(), 'PNG');
    assert.deepEqual([png.buf.readUInt32BE(16), png.buf.readUInt32BE(20)], [1920, 1080]);
    // The link: copied, or selected for a manual copy if the browser refuses.
    await page.click('[data-testid="share-button"]');
    await page.click('[data-testid="share-copy"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="share-status"]').textContent !== '');
    assert.match(await page.textContent('[data-testid="share-status"]'), /Lien copié|a refusé le presse-papiers/);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(baseUrl).origin });
    await page.click('[data-testid="share-copy"]');
    await page.waitForFunction(() => /Lien copié/.test(document.querySelector('[data-testid="share-status"]').textContent));
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await page.inputValue('[data-testid="share-link"]'));
    assert.deepEqual(pageErrors(page), []);
  }));

for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
  test(`the share panel at ${size.width}x${size.height}, in French`, () =>
    withPage(async (page, baseUrl) => {
      await open(page, `${baseUrl}?lang=fr&speed=1000&preset=extreme_drift&view=clocks`);
      await playUntil(page, () => document.querySelector('[data-testid="true-time"]').textContent >= '10:00:30');
      await page.click('[data-testid="share-button"]');
      const fits = await page.evaluate(() => {
        const r = document.querySelector('[data-testid="share-panel"]').getBoundingClientRect();
        return r.left >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight;
      });
      assert.ok(fits, 'the panel is on screen');
      await screenshot(page, `share-panel-${size.width}x${size.height}`);
      assert.deepEqual(pageErrors(page), []);
    }, { viewport: size }));
}
