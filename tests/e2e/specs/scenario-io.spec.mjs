// Share links, export and import: the scenario travels whole; bad input is refused with its JSON
// path and loses nothing; old links still load.
import { readFile } from 'node:fs/promises';
import { test, expect, open, freePlay, logRow, linkTo, readJson, stepsOn } from '../fixtures.mjs';

test('a share link carries the scenario to a new page; Escape closes the share box', async ({ page, context }) => {
  await open(page);
  await freePlay(page);
  await page.fill('#key-input', 'shared-key');
  await page.click('#btn-produce');
  await expect(logRow(page, 'shared-key')).toBeVisible();
  await page.click('#btn-share');
  await expect(page.locator('#share-link')).toBeFocused();
  const link = await page.locator('#share-link').inputValue();
  expect(link).toMatch(/#s=[A-Za-z0-9_-]+&step=\d+$/);
  await page.keyboard.press('Escape');
  await expect(page.locator('#share-link')).toHaveCount(0);
  const other = await context.newPage();
  await other.goto(link);
  await expect(logRow(other, 'shared-key')).toBeVisible();
  // A shared link opens with details on: it is someone's work to study.
  await expect(other.locator('#log-details')).toHaveAttribute('aria-pressed', 'true');
  await other.close();
});

test('export downloads the scenario, and importing it gives the same scenario back', async ({ page }) => {
  await open(page);
  await freePlay(page);
  await page.fill('#key-input', 'exported-key');
  await page.click('#btn-produce');
  await expect(logRow(page, 'exported-key')).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#btn-export')]);
  expect(download.suggestedFilename()).toBe('mqplay-scenario.json');
  const text = await readFile(await download.path(), 'utf8');
  const exported = JSON.parse(text);
  expect(exported.version).toBe(2);
  expect(exported.actions.some(a => a.kafka?.do === 'produce' && a.kafka.key === 'exported-key')).toBe(true);
  await page.click('#btn-import');
  await expect(page.locator('#import')).toBeVisible();
  await page.fill('#import-text', text);
  await page.click('#btn-import-load');
  await expect(page.locator('#import')).toHaveCount(0);
  await expect(page.locator('#errors')).toHaveCount(0);
  const [again] = await Promise.all([page.waitForEvent('download'), page.click('#btn-export')]);
  expect(JSON.parse(await readFile(await again.path(), 'utf8'))).toEqual(exported);
});

test('the import dialog takes focus, keeps Tab inside, and Escape closes it and gives focus back', async ({ page }) => {
  await open(page);
  await page.focus('#btn-import');
  await page.keyboard.press('Enter');
  await expect(page.locator('#import')).toBeVisible();
  expect(await page.evaluate(() => document.querySelector('#import').contains(document.activeElement))).toBe(true);
  for (let i = 0; i < 6; i++) await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.querySelector('#import').contains(document.activeElement))).toBe(true);
  await page.keyboard.press('Escape');
  await expect(page.locator('#import')).toHaveCount(0);
  await expect(page.locator('#btn-import')).toBeFocused();
});

test('a broken scenario is refused with its JSON path, in English and Chinese, and nothing is lost', async ({ page }) => {
  await open(page);
  const before = await page.locator('#clock').innerText();
  await page.click('#btn-import');
  await page.fill('#import-text', '{"version":1,"seed":1,"duration_ms":1000,"kafka":{"brokers":0,"topics":[{"name":"t","partitions":1}]}}');
  await page.click('#btn-import-load');
  await expect(page.locator('#errors')).toContainText('kafka.brokers');
  await expect(page.locator('#clock')).toHaveText(before);
  await page.click('#lang-toggle');
  await expect(page.locator('#errors')).toContainText('kafka.brokers');
  await expect(page.locator('#errors')).toContainText(/[\u4e00-\u9fff]/);
  await page.click('#lang-toggle');
  await page.click('#btn-import');
  await page.fill('#import-text', '{"version":1,"seed":1,"duration_ms":1000,"kafka":{"brokers":1,"topics":[{"name":"t","partitions":1}');
  await page.click('#btn-import-load');
  await expect(page.locator('#errors')).toContainText('EOF');
});

test('a link with a broken scenario falls back to the default and says why', async ({ page }) => {
  await page.goto('/#s=bm90IGpzb24&step=0');
  await expect(page.locator('#errors')).toContainText(/link|expected/i);
  await expect(page.locator('svg.diagram .broker')).toHaveCount(3);
});

test('a version-1 share link from the Foundation still loads, at its step', async ({ page }) => {
  await page.goto(linkTo(readJson('core/tests/fixtures/default-v1.json'), 40));
  await expect(page.locator('#clock')).toHaveText(/(step|步) 40\b/);
  await expect(page.locator('#errors')).toHaveCount(0);
  await expect(page.locator('svg.diagram .lane')).toHaveCount(3);
});

test('a document listing its actions out of time order imports, seeks, takes a click, exports and shares', async ({ page, context }) => {
  const doc = {
    version: 2, seed: 4, duration_ms: 60000,
    kafka: { brokers: 2, topics: [{ name: 'orders', partitions: 2 }], producers: [{ id: 'p' }],
             consumers: [{ id: 'c1', group: 'g', topics: ['orders'], auto_offset_reset: 'earliest' }] },
    // Valid in the order they run, not in the order listed.
    actions: [
      { at_ms: 9000, kafka: { do: 'remove_consumer', consumer: 'late' } },
      { at_ms: 8000, kafka: { do: 'add_partitions', topic: 'orders', count: 4 } },
      { at_ms: 7000, kafka: { do: 'add_partitions', topic: 'orders', count: 3 } },
      { at_ms: 6000, kafka: { do: 'add_consumer', consumer: { id: 'late', group: 'g', topics: ['orders'] } } },
      { at_ms: 5000, kafka: { do: 'produce', producer: 'p', topic: 'orders', key: 'early', value: 'v' } },
    ],
  };
  await open(page);
  await page.click('#btn-import');
  await page.fill('#import-text', JSON.stringify(doc));
  await page.click('#btn-import-load');
  await expect(page.locator('#errors')).toHaveCount(0);
  await expect(page.locator('svg.diagram .broker')).toHaveCount(2);
  for (let i = 0; i < 200 && await page.locator('#event-log li', { hasText: 'late left' }).count() === 0; i++) {
    await page.click('#btn-step');
  }
  await expect(logRow(page, 'late left')).toBeVisible();
  const far = await stepsOn(page);
  await page.click('#btn-back');
  await expect.poll(() => stepsOn(page)).toBeLessThan(far);
  await page.fill('#key-input', 'clicked');
  await page.click('#btn-produce');
  await expect(logRow(page, 'clicked')).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#btn-export')]);
  const exported = await readFile(await download.path(), 'utf8');
  expect(JSON.parse(exported).actions.some(a => a.kafka?.key === 'clicked')).toBe(true);
  await page.click('#btn-import');
  await page.fill('#import-text', exported);
  await page.click('#btn-import-load');
  await expect(page.locator('#errors')).toHaveCount(0);
  await page.click('#btn-share');
  const link = await page.locator('#share-link').inputValue();
  await page.click('#share-close');
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.locator('svg.diagram .broker')).toHaveCount(2);
  await expect(other.locator('#errors')).toHaveCount(0);
  await other.close();
});
