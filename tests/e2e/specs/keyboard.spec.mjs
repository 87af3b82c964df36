// The keyboard model: a logical tab order, the log as one stop with arrows, every diagram element
// focusable and inspectable, records reachable with arrows inside a lane.
import { test, expect, open, freePlay, stepsOn } from '../fixtures.mjs';

async function region(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const inside = sel => el.closest(sel) !== null;
    if (inside('#event-log')) return 'log';
    if (inside('svg.diagram')) return 'diagram';
    if (inside('.controls')) return 'controls';
    if (inside('#lesson-panel')) return 'lesson';
    if (inside('.actions')) return 'actions';
    if (inside('#lesson-list')) return 'lessons';
    return el.id || el.tagName;
  });
}

test('Tab goes controls → lesson → actions → log, and the log is a single stop', async ({ page }) => {
  await open(page);
  await page.click('#lesson-q03-kafka-architecture');
  await page.click('#lesson-next'); // let a few rows into the log
  await page.click('#lesson-next');
  await expect.poll(() => page.locator('#event-log li').count()).toBeGreaterThan(3);
  await page.focus('#btn-play');
  const order = [];
  for (let i = 0; i < 120; i++) {
    const r = await region(page);
    if (order.at(-1) !== r) order.push(r);
    if (r === 'log') {
      await page.keyboard.press('Tab');
      expect(await region(page), 'one Tab leaves the log').not.toBe('log');
      break;
    }
    await page.keyboard.press('Tab');
  }
  const at = name => order.indexOf(name);
  expect(at('controls'), order.join(' → ')).toBe(0);
  expect(at('lesson')).toBeGreaterThan(at('controls'));
  expect(at('actions')).toBeGreaterThan(at('lesson'));
  expect(at('log')).toBeGreaterThan(at('actions'));
});

test('in the log, arrows move between rows and Enter goes to that moment', async ({ page }) => {
  await open(page);
  for (let i = 0; i < 8; i++) await page.click('#btn-step');
  const stops = await page.locator('#event-log [tabindex="0"]').count();
  expect(stops).toBe(1);
  await page.locator('#event-log [tabindex="0"]').focus();
  await page.keyboard.press('Home');
  const first = await page.evaluate(() => document.activeElement.innerText);
  await page.keyboard.press('ArrowDown');
  const second = await page.evaluate(() => document.activeElement.innerText);
  expect(second).not.toBe(first);
  expect(await page.evaluate(() => document.activeElement.closest('#event-log') !== null)).toBe(true);
  const now = await stepsOn(page);
  await page.keyboard.press('Enter');
  await expect.poll(() => stepsOn(page)).toBeLessThan(now);
});

test('diagram elements are focusable; Enter or Space inspects and does not play', async ({ page }) => {
  await open(page);
  await freePlay(page);
  await page.focus('#el-orders-1');
  await page.keyboard.press('Enter');
  await expect(page.locator('#inspector h3')).toContainText('orders-1');
  const before = await page.locator('#clock').innerText();
  await page.focus('#el-broker-2');
  await page.keyboard.press(' ');
  await expect(page.locator('#inspector h3')).toContainText('Broker 2');
  await expect(page.locator('#clock')).toHaveText(before);
  // The group exists on its coordinator once a member has joined.
  for (let i = 0; i < 60 && !/^billing, /.test(await page.locator('#el-billing').getAttribute('aria-label')); i++) await page.click('#btn-step');
  for (const id of ['#el-checkout', '#el-billing-1', '#el-billing']) {
    await page.focus(id);
    await page.keyboard.press('Enter');
    await expect(page.locator('#inspector h3')).not.toBeEmpty();
  }
});

test('inside a lane, arrows move between records and Enter inspects one', async ({ page }) => {
  await open(page);
  await freePlay(page);
  for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) {
    await page.fill('#key-input', key);
    await page.click('#btn-produce');
  }
  await page.click('#btn-play');
  await page.waitForTimeout(1500);
  await page.click('#btn-play');
  const lane = page.locator('svg.diagram .lane', { has: page.locator('.cell') }).first().locator('.lane-head');
  await lane.focus();
  await page.keyboard.press('End');
  expect(await page.evaluate(() => document.activeElement.classList.contains('cell'))).toBe(true);
  const last = await page.evaluate(() => document.activeElement.getAttribute('aria-label'));
  await page.keyboard.press('Home');
  const firstCell = await page.evaluate(() => document.activeElement.getAttribute('aria-label'));
  expect(firstCell).toMatch(/offset 0 /);
  await page.keyboard.press('ArrowRight');
  const secondCell = await page.evaluate(() => document.activeElement.getAttribute('aria-label'));
  expect(secondCell).not.toBe(firstCell);
  await page.keyboard.press('Enter');
  const offset = secondCell.match(/offset (\d+)/)[1];
  await expect(page.locator('#inspector h4')).toContainText(`@ ${offset}`);
  await expect(page.locator('#why-partition')).not.toBeEmpty();
  expect(last).toMatch(/offset \d+/);
});
