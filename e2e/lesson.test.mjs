// End-to-end: the guided lesson, walked whole in English and in French. For each step:
// the class answers (the first choice, or the right one on every other step, so both
// verdicts show), runs it, and the figure the core read from the run is the one the
// view outlines (the same measure's value, or the same server). The lesson and step
// are in the URL; a link opens them; an unknown lesson or step is named in the notice
// (EN and FR); "Try it yourself" leaves the lesson with the scenario loaded.
// Screenshots: target/screenshots/lesson-<lang>-<lesson>-<step>-<size>.png (data/4: the
// cache's stale pages outlined on the Data view, at both sizes).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanup, pageErrors, screenshot, withPage } from './lib/harness.mjs';

after(cleanup);

const SMALL = { width: 1280, height: 720 };
const LARGE = { width: 1920, height: 1080 };

async function open(page, url) {
  await page.goto(url);
  await page.waitForSelector('[data-testid="view"]', { timeout: 15_000 });
}

/** The step on screen: its lesson, its number, its progress text. */
function where(page) {
  return page.evaluate(() => {
    const l = document.querySelector('[data-testid="lesson"]');
    const q = new URLSearchParams(location.search);
    return {
      lesson: l?.dataset.lesson,
      step: l?.dataset.step,
      progress: document.querySelector('[data-testid="lesson-progress"]')?.textContent.trim(),
      url: { lesson: q.get('lesson'), step: q.get('step') },
      view: document.querySelector('[data-testid="view"]').dataset.view,
    };
  });
}

/** The outlined element and the lesson's figure, once the outline is there. */
async function highlighted(page) {
  await page.waitForSelector('[data-lesson-highlight]', { timeout: 10_000 });
  return page.evaluate(() => {
    const h = document.querySelector('[data-lesson-highlight]');
    const f = document.querySelector('[data-testid="lesson-figure"]');
    const r = h.getBoundingClientRect();
    const panel = document.querySelector('[data-testid="lesson"]').getBoundingClientRect();
    return {
      measure: h.dataset.measure ?? null,
      measureValue: h.dataset.measureValue ?? null,
      server: h.dataset.server ?? null,
      confirmed: h.dataset.confirmed ?? null,
      inView: !!h.closest('[data-testid="view"]'),
      covered: r.right > panel.left && r.left < panel.right && r.bottom > panel.top && r.top < panel.bottom,
      figure: {
        value: Number(f.dataset.value),
        target: Number(f.dataset.targetValue),
        server: f.dataset.answerServer,
        text: f.textContent.trim(),
      },
    };
  });
}

/** Walks the whole course in `lang`; returns how many steps were walked. */
async function walk(page, baseUrl, lang, shots) {
  await open(page, `${baseUrl}?lang=${lang}`);
  await page.click('[data-testid="lesson-button"]');
  await page.waitForSelector('[data-testid="lesson"]');
  let n = 0;
  for (;;) {
    const at = await where(page);
    n += 1;
    assert.equal(at.url.lesson, at.lesson, 'the lesson is in the URL');
    assert.equal(at.url.step, at.step, 'the step is in the URL');
    const [i, total] = at.progress.match(/\d+/g).map(Number);
    assert.equal(i, n, `progress: ${at.progress}`);
    assert.match(at.progress, lang === 'fr' ? /^étape \d+ sur \d+$/ : /^step \d+ of \d+$/);
    // The class answers: Run waits for it.
    assert.equal(await page.isDisabled('[data-testid="lesson-run"]'), true, 'no answer, no run');
    const choices = page.locator('[data-testid^="lesson-choice-"]');
    const pick = n % 2 === 1 ? 0 : (await choices.count()) - 1;
    await choices.nth(pick).click();
    await page.click('[data-testid="lesson-run"]');
    await page.waitForSelector('[data-testid="lesson-explain"]');
    const h = await highlighted(page);
    assert.ok(h.inView, 'the outline is in the view');
    assert.equal(h.covered, false, 'the lesson panel does not cover the outlined figure');
    if (h.measure !== null) {
      // The figure in the view is the one the lesson read from the run.
      const shown = Number(h.measureValue);
      assert.ok(Math.abs(shown - h.figure.target) <= 1e-6 * Math.max(1, Math.abs(shown)),
        `${at.lesson}/${at.step}: view ${h.measure}=${shown}, lesson ${h.figure.target}`);
    } else {
      assert.equal(h.server, h.figure.server, 'the outlined server is the answer');
      assert.equal(Number(h.confirmed), h.figure.target, 'its confirmed seats are the figure');
    }
    // The verdict matches the choice: exactly one choice is marked right.
    const verdicts = await page.$$eval('[data-testid^="lesson-choice-"]', (b) => b.map((x) => x.dataset.verdict));
    assert.equal(verdicts.filter((v) => v === 'right').length, 1);
    const right = (await page.getAttribute('[data-testid="lesson-verdict"]', 'data-right')) === 'true';
    assert.equal(right, verdicts[pick] === 'right');
    const explain = (await page.textContent('[data-testid="lesson-explain"]')).trim();
    assert.ok(!/[{}]/.test(explain), `every number filled: ${explain}`);
    if (shots[`${at.lesson}/${at.step}`]) await screenshot(page, `lesson-${lang}-${at.lesson}-${at.step}-1280x720`);
    assert.equal(await page.isVisible('[data-testid="lesson-try"]'), true);
    if (!(await page.isVisible('[data-testid="lesson-next"]'))) {
      assert.equal(i, total, 'the last step ends the course');
      break;
    }
    await page.click('[data-testid="lesson-next"]');
    await page.waitForFunction((s) => document.querySelector('[data-testid="lesson-progress"]')?.textContent.includes(String(s)), n + 1);
  }
  return n;
}

test('the whole lesson, in English then in French, each figure outlined in its view', () => withPage(async (page, baseUrl) => {
  const en = await walk(page, baseUrl, 'en', { 'clocks-drift/2': true, 'data/4': true });
  const fr = await walk(page, baseUrl, 'fr', { 'ntp/2': true });
  assert.equal(en, fr);
  assert.ok(en >= 6, `${en} steps`);
  // Previous goes back, across a chapter.
  await open(page, `${baseUrl}?lang=en&lesson=ntp&step=1`);
  await page.click('[data-testid="lesson-prev"]');
  assert.deepEqual((await where(page)).url, { lesson: 'clocks-drift', step: '3' });
  assert.deepEqual(pageErrors(page), []);
}, { viewport: SMALL }));

test('a link opens a lesson at its step; unknown ones are named (EN, FR)', () => withPage(async (page, baseUrl) => {
  await open(page, `${baseUrl}?lang=en&lesson=ntp&step=2`);
  const at = await where(page);
  assert.equal(at.lesson, 'ntp');
  assert.equal(at.step, '2');
  assert.equal(at.view, 'clocks');
  assert.match(await page.textContent('[data-testid="lesson-question"]'), /20 ms on the way out/);
  assert.equal(await page.isVisible('[data-testid="link-notice"]'), false);

  await open(page, `${baseUrl}?lang=en&lesson=cooking`);
  assert.equal(await page.isVisible('[data-testid="lesson"]'), false);
  assert.match(await page.textContent('[data-testid="link-notice"]'), /lesson “cooking” is not a lesson.*clocks-drift, ntp/);
  await open(page, `${baseUrl}?lang=fr&lesson=ntp&step=42`);
  assert.equal((await where(page)).step, '1');
  assert.match(await page.textContent('[data-testid="link-notice"]'), /L'étape « 42 ».*« ntp » \(1 à 3\)/);
  await open(page, `${baseUrl}?lang=fr&lesson=kitchen&step=2`);
  assert.match(await page.textContent('[data-testid="link-notice"]'), /La leçon « kitchen »/);

  // Try it yourself: the lesson closes, its scenario stays, at its start.
  await open(page, `${baseUrl}?lang=en&lesson=clocks-drift&step=3`);
  await page.click('[data-testid="lesson-choice-many"]');
  await page.click('[data-testid="lesson-run"]');
  await page.waitForSelector('[data-testid="lesson-try"]');
  await page.click('[data-testid="lesson-try"]');
  assert.equal(await page.isVisible('[data-testid="lesson"]'), false);
  const q = await page.evaluate(() => location.search);
  assert.ok(!q.includes('lesson='), q);
  assert.match(await page.textContent('[data-testid="preset-summary"]'), /45 s apart/);
  assert.match(await page.textContent('[data-testid="status"]'), /Ready|ready/);
  assert.deepEqual(pageErrors(page), []);
}, { viewport: SMALL }));

test('lesson steps at 1920 × 1080', () => withPage(async (page, baseUrl) => {
  for (const [lang, lesson, step, choice] of [['en', 'clocks-drift', 2, 'server-2'], ['fr', 'ntp', 2, 'half'], ['en', 'data', 4, 'thousands']]) {
    await open(page, `${baseUrl}?lang=${lang}&lesson=${lesson}&step=${step}`);
    await page.click(`[data-testid="lesson-choice-${choice}"]`);
    await page.click('[data-testid="lesson-run"]');
    const h = await highlighted(page);
    assert.equal(h.covered, false);
    await screenshot(page, `lesson-${lang}-${lesson}-${step}-1920x1080`);
  }
}, { viewport: LARGE }));
