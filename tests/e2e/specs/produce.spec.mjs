// Producing: the partition a key lands in (checked against an independent murmur2), text stays
// text, and a producer that waits for a leader says what for and until when.
import { test, expect, open, freePlay, logRow, murmur2, shot } from '../fixtures.mjs';

const partitionOf = (key, n) => (murmur2(new TextEncoder().encode(key)) & 0x7fffffff) % n;

test('a keyed record says its partition plainly; with details, the murmur2 arithmetic', async ({ page }) => {
  await open(page);
  await page.fill('#key-input', 'order-42');
  await page.fill('#value-input', 'paid');
  await page.click('#btn-produce');
  const line = logRow(page, 'order-42');
  await expect(line).toBeVisible();
  expect(await line.innerText()).not.toContain('murmur2');
  await page.click('#log-details');
  const text = await logRow(page, 'record key `order-42`').innerText();
  const m = text.match(/partition (\d+) of orders, because murmur2\(key\) = (-?\d+), toPositive = (\d+), and (\d+) % (\d+) = (\d+)/);
  expect(m, `sentence: ${text}`).not.toBeNull();
  const hash = murmur2(new TextEncoder().encode('order-42'));
  expect(Number(m[2])).toBe(hash);
  expect(Number(m[3])).toBe(hash & 0x7fffffff);
  expect(Number(m[5])).toBe(3);
  expect(Number(m[1])).toBe(partitionOf('order-42', 3));
  expect(Number(m[6])).toBe(Number(m[1]));
});

// The settings the Kafka model uses, by their Kafka names, with Kafka 4.x defaults (what
// `mqplay defaults kafka` prints).
test('the Kafka settings reference lists what the model uses, with where a default changed', async ({ page }) => {
  await open(page);
  const ref = page.locator('#kafka-reference');
  await ref.locator('summary').click();
  await expect(ref.locator('li[data-name="linger.ms"]')).toContainText('KIP-1030');
  await expect(ref.locator('li[data-name="session.timeout.ms"]')).toContainText('= 45000');
  await ref.screenshot({ path: shot('kafka-reference.png') });
  await page.click('#lang-toggle');
  await expect(ref.locator('summary')).toContainText('Kafka 配置');
  await ref.screenshot({ path: shot('kafka-reference-zh.png') });
});

test('a payload typed as a key is shown as text and runs nothing', async ({ page }) => {
  await open(page);
  const payload = '<img src=x onerror=alert(1)>';
  await page.fill('#key-input', payload);
  await page.click('#btn-produce');
  await expect(logRow(page, payload)).toBeVisible();
  expect(await page.locator('img').count()).toBe(0);
});

test('a broker crash: fenced after the timeout, and a record for its partition waits, saying until when', async ({ page }) => {
  await open(page);
  await freePlay(page);
  await page.click('#broker-toggle-0');
  await expect(logRow(page, 'broker 0 crashed')).toBeVisible();
  await page.locator('#log-title').click();
  for (let i = 0; i < 400 && await page.locator('#event-log li', { hasText: 'fenced broker 0' }).count() === 0; i++) {
    await page.click('#btn-step');
  }
  await expect(logRow(page, 'fenced broker 0')).toBeVisible();
  const offline = await page.locator('svg.diagram .lane.offline .lane-head').first().getAttribute('id');
  expect(offline).toMatch(/^el-orders-\d$/);
  const partition = Number(offline.slice('el-orders-'.length));
  const key = Array.from({ length: 50 }, (_, i) => `k${i}`).find(k => partitionOf(k, 3) === partition);
  await page.fill('#key-input', key);
  await page.click('#btn-produce');
  await page.click('#btn-step');
  const wait = logRow(page, 'has no leader');
  await expect(wait).toBeVisible();
  await expect(wait).toContainText(/delivery\.timeout\.ms \(120000\) fails it at t = [\d.]+ s/);
  await expect(page.locator('#el-checkout')).toContainText(/waiting/i);
  await page.click('#el-checkout');
  await expect(page.locator('#producer-wait')).toContainText(`orders-${partition}`);
});
