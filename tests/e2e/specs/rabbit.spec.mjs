// RabbitMQ: a shared link opens the broker view (exchanges, bindings, queues with their messages,
// consumers); a publish from the controls routes through a topic exchange and says so in the log;
// basic.get takes the head; the keyboard reaches queues and their message cells; a restart shows
// what survives.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, logRow, linkTo, readJson, shot } from '../fixtures.mjs';

const routing = readJson('tests/golden/rabbit-routing.scenario.json');
const restart = readJson('tests/golden/rabbit-restart-lifetimes.scenario.json');

async function openRabbit(page, doc, step) {
  await page.goto(linkTo(doc, step));
  await page.locator('svg.rq-diagram .rq-queue').first().waitFor({ timeout: 20_000 });
}

test('a RabbitMQ link shows exchanges, bindings and queues holding their messages', async ({ page }) => {
  await openRabbit(page, routing, 4);
  await expect(page.locator('svg.rq-diagram .rq-exchange')).toHaveCount(4);
  await expect(page.locator('#el-q-pdf-reports')).toContainText('1 ready');
  await expect(page.locator('#el-q-eu .rq-cell')).toHaveCount(2);
  await expect(page.locator('svg.rq-diagram .rq-binding')).toHaveCount(5);
  await page.screenshot({ path: shot('rabbit-routing.png'), fullPage: true });
});

test('publishing from the controls routes through the exchange and is told in AMQP terms', async ({ page }) => {
  await openRabbit(page, routing, 8);
  await page.selectOption('#rq-exchange', 'docs');
  await page.fill('#rq-body', 'from the page');
  await page.click('#btn-publish');
  await expect(logRow(page, 'publish #5 to `docs`')).toBeVisible();
  await expect(logRow(page, 'publish #5 to `docs`')).toContainText('leftovers via alternate exchange unrouted');
  await page.selectOption('#rq-get-queue', 'leftovers');
  await page.click('#btn-get');
  await expect(logRow(page, 'basic.get-ok #5 from `leftovers`')).toBeVisible();
  await expect(page.locator('#el-q-leftovers')).toContainText('1 unacked');
  await page.click('#el-q-leftovers');
  await expect(page.locator('#inspector')).toContainText('leftovers');
});

test('the keyboard reaches a queue, walks its messages and opens it in the inspector', async ({ page }) => {
  await openRabbit(page, routing, 4);
  const queue = page.locator('#el-q-eu');
  await queue.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#el-q-eu .rq-cell').first()).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#el-q-eu .rq-cell').nth(1)).toBeFocused();
  await queue.focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#inspector')).toContainText('Ready messages');
  await expect(page.locator('#inspector')).toContainText('#2, #4');
});

test('a broker restart keeps durable queues and persistent messages, in Chinese too', async ({ page }) => {
  await openRabbit(page, restart, 11);
  await expect(page.locator('#el-q-cache')).toHaveCount(0);
  await expect(page.locator('#el-q-audit')).toContainText('1 ready');
  await expect(logRow(page, 'broker restarted')).toBeVisible();
  await page.click('#lang-toggle');
  await expect(logRow(page, 'broker 已重启')).toBeVisible();
  await expect(page.locator('#el-q-audit')).toContainText('1 就绪');
  await page.screenshot({ path: shot('rabbit-restart-zh.png'), fullPage: true });
});

for (const [scheme, size] of [['light', { width: 1280, height: 800 }], ['dark', { width: 390, height: 844 }]]) {
  test(`the broker view has no axe violations (${scheme}, ${size.width}px)`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize(size);
    await openRabbit(page, restart, 4);
    await page.click('#el-q-audit');
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map(v => `${v.id}: ${v.nodes.map(n => n.target).join(' ')}`)).toEqual([]);
    await page.screenshot({ path: shot(`rabbit-${scheme}-${size.width}.png`), fullPage: true });
  });
}

// Every RabbitMQ lesson plays from its first step to its last: the broker view is drawn at each
// step, predictions are answered by the run, and the page stays free of console errors.
for (const id of ['q08-rabbit-exchanges', 'q09-rabbit-no-loss', 'q10-rabbit-dead-letters', 'q17-delayed-messages']) {
  test(`lesson ${id} plays to its end with its predictions answered`, async ({ page }) => {
    await page.goto('/');
    await page.locator('svg.diagram').first().waitFor({ timeout: 20_000 });
    await page.click(`#lesson-${id}`);
    const step = page.locator('#lesson-step');
    await expect(step).toHaveText(/Step 1 of \d+/);
    const total = Number((await step.innerText()).match(/of (\d+)/)[1]);
    for (let s = 1; s <= total; s++) {
      await expect(page.locator('svg.rq-diagram')).toBeVisible();
      if (await page.locator('#btn-reveal').count()) {
        await page.locator('.predict input[type=radio]').first().check();
        await page.click('#btn-reveal');
        await expect(page.locator('#predict-verdict')).toBeVisible({ timeout: 20_000 });
      }
      if ((await page.locator('#lesson-next').innerText()).includes('Show the end')) await page.click('#lesson-next');
      if (s === 2) await page.screenshot({ path: shot(`lesson-${id}.png`) });
      if (s < total) {
        const before = await step.innerText();
        for (let i = 0; i < 3 && (await step.innerText()) === before; i++) {
          await page.click('#lesson-next');
          await page.waitForTimeout(50);
        }
        await expect(step).toHaveText(new RegExp(`Step ${s + 1} of`));
      }
    }
    await expect(page.locator('#lesson-next')).toHaveAttribute('aria-disabled', 'true');
  });
}
