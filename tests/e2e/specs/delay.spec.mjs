// The timer lab: a shared link opens one dial per wheel (rings for Kafka's levels, one ring for
// Netty's), buckets fill and empty as the clock moves, a task added from the controls lands in
// its bucket and is told in the classes' terms, a cancel strikes it out; both languages; axe.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, logRow, linkTo, playLesson, readJson, shot } from '../fixtures.mjs';

const purgatory = readJson('tests/golden/delay-kafka-purgatory.scenario.json');
const coarse = readJson('tests/golden/delay-coarse-tick.scenario.json');

async function openLab(page, doc, step) {
  await page.goto(linkTo(doc, step));
  await page.locator('svg.dial').first().waitFor({ timeout: 20_000 });
}

test('a link shows Kafka wheel levels as rings with their buckets and the delay queue', async ({ page }) => {
  await openLab(page, purgatory, 3);
  const wheel = page.locator('#wheel-purgatory');
  // produce-1 on level 0, fetch-1 on the 20 ms level, join-1 on the 400 ms level.
  await expect(wheel.locator('g.ring')).toHaveCount(3);
  await expect(wheel.locator('g.bucket')).toHaveCount(3);
  await expect(wheel).toContainText('15 ms · 20 ms · 400 ms');
  await expect(logRow(page, 'overflow wheel level 2 is created')).toBeVisible();
  await page.screenshot({ path: shot('delay-purgatory.png'), fullPage: true });
});

test('a cascade re-inserts a task ring by ring until it runs, and the table says when', async ({ page }) => {
  await openLab(page, purgatory, 14);
  await expect(logRow(page, 'join-1 comes down from an expired bucket → level 1')).toBeVisible();
  await expect(page.locator('#wheel-purgatory g.bucket.lit')).not.toHaveCount(0);
  await page.click('#btn-step');
  await expect(logRow(page, 'join-1 comes down from an expired bucket → level 0')).toBeVisible();
  await page.click('#btn-step');
  await expect(logRow(page, 'task join-1 runs, on time')).toBeVisible();
  await expect(page.locator('tr.task-row.ran', { hasText: 'purgatory/join-1' })).toContainText('450');
});

test('a task added from the controls is placed, runs, and a cancel strikes another out', async ({ page }) => {
  await openLab(page, coarse, 2);
  await page.selectOption('#dl-wheel', 'kafka-coarse');
  await page.fill('#dl-task', 'mine-1');
  await page.fill('#dl-delay', '420');
  await page.click('#dl-add');
  await expect(logRow(page, 'mine-1 (delay 420 ms')).toBeVisible();
  await page.selectOption('#dl-wheel', 'netty-small');
  await page.fill('#dl-task', 'mine-2');
  await page.fill('#dl-delay', '5000');
  await page.click('#dl-add');
  await expect(logRow(page, 'newTimeout(mine-2, 5000 ms)')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel netty-small/mine-2' }).click();
  await expect(logRow(page, 'task mine-2 cancelled')).toBeVisible();
  await expect(page.locator('tr.task-row.cancelled', { hasText: 'netty-small/mine-2' })).toBeVisible();
  // A bad delay is refused with the field named, nothing added.
  await page.fill('#dl-task', 'mine-3');
  await page.fill('#dl-delay', 'soon');
  await page.click('#dl-add');
  await expect(page.locator('[role=alert]').first()).toContainText('delay_ms');
  await page.screenshot({ path: shot('delay-controls.png'), fullPage: true });
});

test('the same tasks run a tick early on Kafka and a tick late on Netty, in Chinese too', async ({ page }) => {
  await openLab(page, coarse, 40);
  await expect(page.locator('tr.task-row', { hasText: 'kafka-coarse/a' })).toContainText('-80');
  await expect(page.locator('tr.task-row', { hasText: 'netty-small/a' })).toContainText('+50');
  await page.click('#lang-toggle');
  await expect(page.locator('#wheel-netty-small')).toContainText('已执行');
  await expect(logRow(page, '指针')).toBeVisible();
  await page.screenshot({ path: shot('delay-coarse-zh.png'), fullPage: true });
});

for (const [scheme, size] of [['light', { width: 1280, height: 800 }], ['dark', { width: 390, height: 844 }]]) {
  test(`the timer lab has no axe violations (${scheme}, ${size.width}px)`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize(size);
    await openLab(page, coarse, 20);
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map(v => `${v.id}: ${v.nodes.map(n => n.target).join(' ')}`)).toEqual([]);
    await page.screenshot({ path: shot(`delay-${scheme}-${size.width}.png`), fullPage: true });
  });
}

const race = readJson('tests/golden/delay-redis-zrem-race.scenario.json');

test('a Redis delay queue shows the sorted set, the pollers racing and a member taken early', async ({ page }) => {
  await page.goto(linkTo(race, 12));
  await page.locator('#redis-lab').waitFor({ timeout: 20_000 });
  // Equal scores sort by member bytes: order-1 before order-2, though order-2 was added first.
  await expect(page.locator('.zset-member')).toHaveCount(3);
  await expect(page.locator('.zset-member').nth(0)).toContainText('order-1');
  await expect(page.locator('.zset-member').nth(1)).toContainText('order-2');
  await expect(page.locator('.zset-member').nth(2)).toContainText('order-3');
  await page.goto('about:blank');
  await page.goto(linkTo(race, 47));
  await page.locator('#redis-lab').waitFor({ timeout: 20_000 });
  await expect(logRow(page, 'it will be published early')).toBeVisible();
  await expect(page.locator('#poller-poller-a')).toContainText('2');
  await expect(page.locator('tr.member-row.early', { hasText: 'order-2' })).toContainText('-489');
  await page.screenshot({ path: shot('delay-redis.png'), fullPage: true });
  // With no wheel, the form ZADDs: the member enters the set with its due time as score.
  await page.fill('#dl-task', 'order-9');
  await page.fill('#dl-delay', '400');
  await page.click('#dl-add');
  await expect(logRow(page, 'producer sends ZADD delay_queue 730 order-9')).toBeVisible();
  await page.click('#lang-toggle');
  await expect(page.locator('#redis-lab')).toContainText('认领者');
  await page.screenshot({ path: shot('delay-redis-zh.png'), fullPage: true });
});

// The timing-wheel lesson plays from its first step to its last with the dials drawn, its
// predictions answered by the run, in English and then its first step in Chinese.
test('lesson q17-timing-wheels plays to its end with its predictions answered', async ({ page }) => {
  await page.goto('/');
  await page.locator('svg.diagram').first().waitFor({ timeout: 20_000 });
  await page.click('#lesson-q17-timing-wheels');
  const step = page.locator('#lesson-step');
  await expect(step).toHaveText(/Step 1 of \d+/);
  const total = Number((await step.innerText()).match(/of (\d+)/)[1]);
  for (let s = 1; s <= total; s++) {
    await expect(page.locator('svg.dial').first()).toBeVisible();
    if (await page.locator('#btn-reveal').count()) {
      await page.locator('.predict input[type=radio]').first().check();
      await page.click('#btn-reveal');
      await expect(page.locator('#predict-verdict')).toBeVisible({ timeout: 20_000 });
    }
    if (s === 2) await page.screenshot({ path: shot('lesson-q17-timing-wheels.png'), fullPage: true });
    if (s < total) {
      for (let i = 0; i < 4 && (await step.innerText()).startsWith(`Step ${s} of`); i++) {
        await page.click('#lesson-next');
        await page.waitForTimeout(100);
      }
      await expect(step).toHaveText(new RegExp(`Step ${s + 1} of`));
    }
  }
  await expect(page.locator('#lesson-next')).toHaveAttribute('aria-disabled', 'true');
  await page.click('#lang-toggle');
  await expect(page.locator('#wheel-purgatory')).toContainText('第 0 层');
  await page.screenshot({ path: shot('lesson-q17-timing-wheels-zh.png'), fullPage: true });
});

const crash = readJson('tests/golden/delay-redis-poller-crash.scenario.json');

// A poller crash is a button; what it held is lost, and the table says so.
test('a crashed Redis poller loses what it had taken out; crash and restart are buttons', async ({ page }) => {
  await page.goto(linkTo(crash, 1_000));
  await page.locator('#redis-lab').waitFor({ timeout: 20_000 });
  await expect(logRow(page, 'poller-b crashes holding order-2, order-3')).toBeVisible();
  await expect(logRow(page, 'which crashed after asking')).toBeVisible();
  await expect(page.locator('tr.member-row.lost')).toHaveCount(3);
  await expect(page.locator('tr.member-row.lost', { hasText: 'order-5' })).toContainText('lost');
  await expect(page.locator('#redis-lab')).toContainText('lost: 3');
  // Crash poller-a from its card, then restart it: it polls again.
  await page.click('#crash-poller-a');
  await expect(page.locator('#poller-poller-a')).toHaveClass(/down/);
  await expect(page.locator('#poller-poller-a')).toContainText('crashed');
  await page.click('#restart-poller-a');
  await expect(logRow(page, 'poller-a restarts and polls again')).toBeVisible();
  await page.screenshot({ path: shot('delay-redis-crash.png'), fullPage: true });
  await page.click('#lang-toggle');
  await expect(page.locator('tr.member-row.lost', { hasText: 'order-5' })).toContainText('丢失');
  await page.locator('#redis-lab').screenshot({ path: shot('delay-redis-crash-zh.png') });
});

// The comparison lesson: one workload on five mechanisms, each row measured; then a crash.
test('lesson q17-delay-compared measures each mechanism and loses a member with a crash', async ({ page }) => {
  await playLesson(page, 'q17-delay-compared', {
    pace: '100×',
    after: async s => {
      if (s === 2) {
        const table = page.locator('#lesson-compare');
        await expect(table.locator('tbody tr')).toHaveCount(5);
        await expect(table.locator('tbody tr').nth(0)).toContainText('9050 ms');
        await expect(table.locator('tbody tr').nth(0)).toContainText('7000 ms late');
        await expect(table.locator('tbody tr').nth(3)).toContainText('50 ms early');
        await page.screenshot({ path: shot('lesson-q17-delay-compared.png'), fullPage: true });
      }
      if (s === 6) await expect(page.locator('tr.member-row.lost', { hasText: 'order-F' })).toBeVisible();
    },
  });
  await page.click('#lesson-prev');
  await page.click('#lang-toggle');
  await expect(page.locator('#redis-lab')).toContainText('丢失');
  await page.screenshot({ path: shot('lesson-q17-delay-compared-zh.png'), fullPage: true });
});
