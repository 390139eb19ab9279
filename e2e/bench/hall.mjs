// The frame benchmarks' scenario (frames.mjs, frame_cpu.mjs): the hall view, the
// heaviest to draw, with a 1 000-seat hall (25 × 40), 5 000 customers, played at ×1000.
const query = '?preset=extreme_drift&rows=25&cols=40&customers=5000&speed=1000&lang=en&view=hall';

/** Opens the scenario in a new page of `browser`; fails if the 1 000 seats are not on screen. */
export async function openBusyHall(browser, baseUrl) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(baseUrl + query);
  await page.waitForSelector('[data-testid="play"]', { timeout: 15_000 });
  const seats = await page.locator('[role="gridcell"]').count();
  if (seats !== 1000) throw new Error(`expected the 1 000-seat hall on screen, found ${seats} seats`);
  return page;
}
