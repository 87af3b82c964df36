// The first screen: calm, paused, a welcome that points at the first lesson; language and theme.
import { test, expect, open, logRow, stepsOn, shot } from '../fixtures.mjs';

test('the first screen is calm: paused, a welcome, and "start here" opens the first lesson', async ({ page }) => {
  await open(page);
  await expect(page.locator('#lesson-list .lesson-link', { hasText: 'Q3' })).toBeVisible();
  // Q15 has two lessons now: Kafka's and RocketMQ's.
  await expect(page.locator('#lesson-list .lesson-link', { hasText: 'Q15' })).toHaveCount(2);
  await expect(page.locator('svg.diagram .broker')).toHaveCount(3);
  await expect(page.locator('svg.diagram .lane')).toHaveCount(3);
  await expect(page.locator('#welcome')).toBeVisible();
  // Nothing plays until the learner acts.
  await expect(page.locator('#btn-play')).toHaveAccessibleName(/Play/);
  await page.waitForTimeout(1500);
  expect(await stepsOn(page)).toBe(0);
  // Only what is true at t = 0 (the consumers start), and no ids or KIP numbers.
  expect(await page.locator('#event-log li').count()).toBeLessThanOrEqual(2);
  expect(await page.locator('#log-panel').innerText()).not.toMatch(/KIP-|MEMBER_ID_REQUIRED|[0-9a-f]{8}-[0-9a-f]{4}-/);
  await page.screenshot({ path: shot('home-en.png') });
  await page.click('#btn-start-here');
  await expect(page.locator('#lesson-title')).toHaveText(/architecture/i);
  await expect(page.locator('#lesson-title')).toBeFocused();
});

test('playing the default scenario fills the log in plain words; details add the ids', async ({ page }) => {
  await open(page);
  await page.click('#btn-play');
  await expect(page.locator('#btn-play')).toHaveAccessibleName(/Pause/);
  await expect.poll(() => page.locator('#event-log li').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(6);
  await page.click('#btn-play');
  const plain = await page.locator('#event-log').innerText();
  expect(plain).not.toMatch(/KIP-394|MEMBER_ID_REQUIRED|[0-9a-f]{8}-[0-9a-f]{4}-/);
  await expect(page.locator('#log-details')).toHaveAttribute('aria-pressed', 'false');
  await page.click('#log-details');
  await expect(page.locator('#log-details')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#event-log')).toContainText(/MEMBER_ID_REQUIRED|member id/);
});

test('keyboard: arrows step forward and back, space plays and pauses', async ({ page }) => {
  await open(page);
  await page.locator('body').click({ position: { x: 5, y: 790 } });
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => page.locator('#event-log li').count()).toBeGreaterThanOrEqual(2);
  const after = await stepsOn(page);
  expect(after).toBeGreaterThan(0);
  await page.keyboard.press('ArrowLeft');
  await expect.poll(() => stepsOn(page)).toBeLessThan(after);
  await page.keyboard.press(' ');
  await expect(page.locator('#btn-play')).toHaveAccessibleName(/Pause/);
  await page.keyboard.press(' ');
  await expect(page.locator('#btn-play')).toHaveAccessibleName(/Play/);
});

test('language switches at once, title included, and is remembered', async ({ page }) => {
  await open(page);
  await page.click('#lang-toggle');
  await expect(page.locator('#btn-play')).toHaveAccessibleName(/播放/);
  await expect(page).toHaveTitle(/消息队列|mqplay/);
  const zhTitle = await page.title();
  await page.reload();
  await expect(page.locator('#btn-play')).toHaveAccessibleName(/播放/);
  expect(await page.title()).toBe(zhTitle);
  await page.click('#lang-toggle');
  await expect(page.locator('#btn-play')).toHaveAccessibleName(/Play/);
  expect(await page.title()).not.toBe(zhTitle);
});

test('dark mode follows the system, can be toggled, and the choice is remembered', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await open(page);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', 'dark');
  await page.click('#theme-toggle');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = bg.match(/\d+/g).map(Number);
  expect(r + g + b, `dark body background ${bg}`).toBeLessThan(200);
});

test('icons are inline SVG and every button has a name', async ({ page }) => {
  await open(page);
  expect(await page.locator('#btn-play svg').count()).toBe(1);
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('button')]
    .filter(b => !(b.getAttribute('aria-label') || b.innerText.trim() || b.getAttribute('title')))
    .map(b => b.id || b.outerHTML.slice(0, 60)));
  expect(unnamed).toEqual([]);
});

test('"?" opens the shortcuts, Escape closes them and gives focus back', async ({ page }) => {
  await open(page);
  await page.focus('#btn-step');
  await page.keyboard.press('?');
  await expect(page.locator('#help')).toBeVisible();
  await expect(page.locator('#help')).toContainText('Space');
  const inside = await page.evaluate(() => document.querySelector('#help').contains(document.activeElement));
  expect(inside).toBe(true);
  // Tab stays inside the dialog.
  for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.querySelector('#help').contains(document.activeElement))).toBe(true);
  await page.keyboard.press('Escape');
  await expect(page.locator('#help')).toHaveCount(0);
  await expect(page.locator('#btn-step')).toBeFocused();
  await page.click('#help-toggle');
  await expect(page.locator('#help')).toBeVisible();
  await page.click('#help-close');
  await expect(page.locator('#help')).toHaveCount(0);
});

test('free play keeps the learner\'s work unless they confirm', async ({ page }) => {
  await open(page);
  await page.fill('#key-input', 'mine');
  await page.click('#btn-produce');
  await expect(logRow(page, 'mine')).toBeVisible();
  await page.click('#btn-free-play');
  await expect(page.locator('#confirm')).toBeVisible();
  await expect(page.locator('#confirm-no')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.locator('#confirm')).toHaveCount(0);
  await expect(logRow(page, 'mine')).toBeVisible();
  await page.click('#btn-free-play');
  await page.click('#confirm-yes');
  await expect(page.locator('#confirm')).toHaveCount(0);
  await expect(page.locator('#event-log li', { hasText: 'mine' })).toHaveCount(0);
});
