// Long work runs a slice per frame, shows progress, keeps the page answering, and stops when asked.
import { test, expect, linkTo, readJson, stepsOn, shot } from '../fixtures.mjs';

test('a link to step 18446744073709551615 is clamped: long work shows progress and stops when asked', async ({ page }) => {
  const big = {
    version: 2, seed: 7, duration_ms: 600000,
    kafka: { brokers: 3, topics: [{ name: 'orders', partitions: 6 }], producers: [{ id: 'p1' }],
             consumers: [{ id: 'c1', group: 'g', topics: ['orders'], auto_offset_reset: 'earliest' }] },
    // Two million records: enough work that the job is still running when Stop is pressed.
    actions: [
      { at_ms: 5000, kafka: { do: 'produce_many', producer: 'p1', topic: 'orders', count: 1000000, key_prefix: 'order', distinct_keys: 1000 } },
      { at_ms: 6000, kafka: { do: 'produce_many', producer: 'p1', topic: 'orders', count: 1000000, key_prefix: 'order', distinct_keys: 1000 } },
    ],
  };
  await page.goto(linkTo(big, '18446744073709551615'));
  await expect(page.locator('#job progress')).toBeVisible();
  await page.screenshot({ path: shot('job-progress-en.png') });
  // The page answers while it works: the language toggle switches at once.
  await page.click('#lang-toggle');
  await expect(page.locator('#btn-stop-job')).toHaveText(/停在这里/, { timeout: 2000 });
  const before = await stepsOn(page);
  await page.click('#btn-stop-job');
  await expect(page.locator('#job')).toHaveCount(0, { timeout: 2000 });
  await page.click('#lang-toggle');
  const stopped = await stepsOn(page);
  expect(stopped).toBeGreaterThanOrEqual(before);
  await page.waitForTimeout(300);
  expect(await stepsOn(page), 'nothing runs after Stop').toBe(stopped);
});

test('the default scenario at the largest step runs to its end and says it is finished', async ({ page }) => {
  await page.goto(linkTo(readJson('core/data/scenarios/default.json'), '18446744073709551615'));
  await expect(page.locator('#clock .finished')).toBeVisible({ timeout: 30_000 });
});
