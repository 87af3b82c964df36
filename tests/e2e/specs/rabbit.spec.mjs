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
  // The binding the publish just took lights up (the alternate exchange's to leftovers).
  await expect(page.locator('svg.rq-diagram .rq-binding.lit')).toHaveCount(1);
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
      if (s === 2) await page.screenshot({ path: shot(`lesson-${id}.png`) });
      if (s < total) {
        // A click either shows the end of a step still playing or turns the page; the step may
        // finish by itself between reading the label and clicking, so look at the page after each.
        for (let i = 0; i < 4 && (await step.innerText()).startsWith(`Step ${s} of`); i++) {
          await page.click('#lesson-next');
          await page.waitForTimeout(100);
        }
        await expect(step).toHaveText(new RegExp(`Step ${s + 1} of`));
      }
    }
    await expect(page.locator('#lesson-next')).toHaveAttribute('aria-disabled', 'true');
  });
}

test('the pattern tester explains each binding word by word, and a typo in headers is named', async ({ page }) => {
  await openRabbit(page, routing, 4);
  await page.selectOption('#rq-try-exchange', 'docs');
  await page.fill('#rq-try-headers', 'format=pdf, type=report');
  await expect(page.locator('#rq-trial-queues')).toContainText('any-report, pdf-reports');
  await expect(page.locator('.rq-trial')).toContainText('x-match=all: format=pdf ✓, type=report ✓');
  await page.fill('#rq-try-headers', 'format');
  await expect(page.locator('section[aria-labelledby=rq-try-title]')).toContainText('write headers as key=value');
  const retry = readJson('tests/golden/rabbit-pattern-retry-park.scenario.json');
  await page.goto('about:blank'); // a link differing only in its fragment does not reload the page
  await openRabbit(page, retry, 1);
  await page.fill('#rq-try-headers', '');
  await page.selectOption('#rq-try-exchange', '');
  await page.fill('#rq-try-key', 'jobs.parking');
  await expect(page.locator('#rq-trial-queues')).toContainText('jobs.parking');
});

test('a dead letter is drawn as its own edge, and its x-death is in the inspector', async ({ page }) => {
  const dlx = readJson('tests/golden/rabbit-dlx-ttl.scenario.json');
  await openRabbit(page, dlx, 4);
  await expect(page.locator('svg.rq-diagram .rq-dlx-edge')).toHaveCount(1);
  await expect(page.locator('svg.rq-diagram .rq-dlx-reason')).toHaveText('expired');
  await page.click('[id="el-q-orders.dead"]');
  await expect(page.locator('#rq-head')).toContainText('x-death: expired in orders.wait ×1');
  await expect(page.locator('#rq-head')).toContainText('x-first-death-reason=expired');
  await page.click('#insp-title button[aria-label]');
  await expect(page.locator('#rq-verdict')).toContainText('The count balances');
  await page.screenshot({ path: shot('rabbit-dlx-inspector.png'), fullPage: true });
});

test('a ready scenario opens from the home page and plays', async ({ page }) => {
  await page.goto('/');
  await page.locator('svg.diagram').first().waitFor({ timeout: 20_000 });
  await page.click('#example-rabbit-pattern-fair-dispatch');
  await page.locator('svg.rq-diagram .rq-queue').first().waitFor();
  await expect(page.locator('#el-c-fast')).toBeVisible();
  for (let i = 0; i < 30 && await page.locator('#btn-step').isEnabled(); i++) await page.click('#btn-step');
  await expect(logRow(page, 'basic.ack')).toBeVisible();
});

test('the code view shows the script as pika and as Java calls', async ({ page }) => {
  await openRabbit(page, routing, 0);
  await page.click('#rq-code-title');
  await expect(page.locator('#rq-code')).toContainText("exchange_declare(");
  await expect(page.locator('#rq-code')).toContainText("basic_publish(");
  await expect(page.locator('#rq-code')).toContainText('"x-match": "all"');
  await page.click('#rq-code-java');
  await expect(page.locator('#rq-code-java')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#rq-code')).toContainText('exchangeDeclare(');
  await expect(page.locator('#rq-code')).toContainText('basicPublish(');
  await page.click('#lang-toggle');
  await expect(page.locator('#rq-code-title')).toHaveText('代码：用客户端调用写出本脚本');
  await page.screenshot({ path: shot('rabbit-code-zh.png'), fullPage: true });
});
