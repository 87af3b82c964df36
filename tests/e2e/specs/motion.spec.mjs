// Motion is a shell service: records and requests travel between the drawn elements; reduced
// motion draws none; 1× is real time.
import { test, expect, open, freePlay, linkTo } from '../fixtures.mjs';

async function produceAndWatch(page) {
  await page.fill('#key-input', 'moving');
  await page.click('#btn-produce');
  await page.click('#btn-play');
  let most = 0;
  for (let i = 0; i < 30; i++) {
    most = Math.max(most, await page.locator('svg.diagram .motion').count());
    await page.waitForTimeout(50);
  }
  await page.click('#btn-play');
  return most;
}

test('a produced record travels from the producer to its leader, and only what changed moves', async ({ page }) => {
  await open(page);
  await freePlay(page);
  expect(await produceAndWatch(page)).toBeGreaterThan(0);
  // Dots are removed once they arrived.
  await expect(page.locator('svg.diagram .motion')).toHaveCount(0, { timeout: 5000 });
});

test('with reduced motion nothing travels', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await open(page);
  await freePlay(page);
  expect(await produceAndWatch(page)).toBe(0);
});

test('1× is real time: two seconds of playing move the clock about two seconds', async ({ page }) => {
  // One consumer on one broker: once it has joined and caught up, the log is quiet, so no pauses
  // to read new lines interfere with the clock.
  const quiet = { version: 2, seed: 1, duration_ms: 600000,
    kafka: { brokers: 1, topics: [{ name: 't', partitions: 1 }], consumers: [{ id: 'c1', group: 'g', topics: ['t'] }] } };
  await open(page, linkTo(quiet, 0));
  const clock = async () => Number((await page.locator('#clock').innerText()).match(/t = ([\d.]+)/)[1]);
  await page.selectOption('#speed', { label: '10×' });
  await page.click('#btn-play');
  await expect.poll(clock, { timeout: 15_000 }).toBeGreaterThan(20);
  await page.click('#btn-play');
  await page.selectOption('#speed', { label: '1×' });
  // Let a frame already scheduled at 10× land before the clock is read.
  await page.waitForTimeout(300);
  const t0 = await clock();
  const rows = await page.locator('#event-log li').count();
  await page.click('#btn-play');
  const started = Date.now();
  await page.waitForTimeout(2000);
  await page.click('#btn-play');
  const real = (Date.now() - started) / 1000;
  await page.waitForTimeout(300);
  const moved = (await clock()) - t0;
  expect(await page.locator('#event-log li').count(), 'the stretch measured was quiet').toBe(rows);
  expect(moved, `virtual ${moved} s in ${real} s real`).toBeGreaterThan(real * 0.7);
  expect(moved).toBeLessThan(real * 1.15);
});
