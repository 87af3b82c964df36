// RocketMQ: a shared link opens the cluster (brokers with their queues, the delay levels, the
// half messages), the transaction sequence diagram with its numbered check-backs, and the
// message table with a message's trace; the form sends plain, delayed and transactional
// messages; a producer crash is a button; both languages; axe.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, logRow, linkTo, playLesson, readJson, shot } from '../fixtures.mjs';

const txn = readJson('tests/golden/rocket-transaction-check.scenario.json');
const delays = readJson('tests/golden/rocket-delay-levels.scenario.json');
const orderly = readJson('tests/golden/rocket-orderly-hash.scenario.json');
const names = readJson('tests/golden/rocket-name-server.scenario.json');
const slaves = readJson('tests/golden/rocket-master-slave.scenario.json');
const lockExpiry = readJson('tests/golden/rocket-orderly-lock-expiry.scenario.json');

async function open(page, doc, step) {
  await page.goto(linkTo(doc, step));
  await page.locator('#rm-cluster').waitFor({ timeout: 20_000 });
}

test('a transaction link shows the half message, the check-back and the commit in a sequence diagram', async ({ page }) => {
  await open(page, txn, 400);
  await expect(page.locator('#rm-broker-broker-a')).toContainText('RMQ_SYS_TRANS_HALF_TOPIC');
  const seq = page.locator('#rm-sequence');
  await expect(seq.locator('button.rm-txn')).toHaveCount(4);
  // #4: its producer crashed during the local transaction; the other member answered the check.
  await seq.getByRole('button', { name: /^#4 order-4/ }).click();
  await expect(seq.locator('svg.rm-seq g.hop.check')).not.toHaveCount(0);
  await expect(seq.locator('svg.rm-seq')).toContainText('CHECK_TRANSACTION_STATE');
  await expect(seq.locator('svg.rm-seq')).toContainText('order-service-2');
  await expect(seq).toContainText('the local transaction committed');
  await expect(logRow(page, 'CHECK_TRANSACTION_STATE to order-service-2')).toBeVisible();
  await page.screenshot({ path: shot('rocket-transaction.png'), fullPage: true });
  await seq.screenshot({ path: shot('rocket-sequence.png') });
  const axe = await new AxeBuilder({ page }).include('#rm-sequence').include('#rm-cluster').analyze();
  expect(axe.violations.map(v => `${v.id}: ${v.nodes.slice(0, 3).map(n => n.target).join(' | ')}`)).toEqual([]);
});

test('the name server card shows who registered when, a client\'s cached route, and a crash empties it', async ({ page }) => {
  // Step 625 is just after 150 s: broker-b, cut off from the name server since 15 s, was
  // dropped at 130 s (its connection idle 120 s after its last registration) and the clients'
  // 150 s poll took it out of their routes.
  await open(page, names, 625);
  const ns = page.locator('#rm-namesrv');
  await expect(ns).toContainText('Name server');
  await expect(ns.locator('tbody tr')).toHaveCount(1);
  await expect(ns.locator('tbody')).toContainText('broker-a');
  await expect(page.locator('#rm-producer-shop')).toContainText('route orders: broker-a×2');
  await expect(page.locator('#rm-producer-late-app')).toContainText('no route yet');
  await expect(logRow(page, 'nothing came over the connection of broker-b')).toBeVisible();
  await page.screenshot({ path: shot('rocket-name-server.png'), fullPage: true });
  await ns.getByRole('button', { name: 'Crash' }).click();
  await expect(ns).toContainText('Its tables are empty');
  await expect(logRow(page, 'namesrv crashed')).toBeVisible();
  // A client's copy survives: shop still has its route.
  await expect(page.locator('#rm-producer-shop')).toContainText('route orders: broker-a×2');
  await page.click('#lang-toggle');
  await expect(ns).toContainText('路由表为空');
  await ns.screenshot({ path: shot('rocket-name-server-zh.png') });
  const axe = await new AxeBuilder({ page }).include('#rm-namesrv').analyze();
  expect(axe.violations.map(v => `${v.id}: ${v.nodes.slice(0, 3).map(n => n.target).join(' | ')}`)).toEqual([]);
});

test('a slave card shows the copy, the SYNC_MASTER wait, and a dead master whose slave refuses pulls', async ({ page }) => {
  // Step 54 (6008 ms): broker-a's slave crashed at 5 s, so #3 (stored at 6001 ms) waits for it
  // until slaveTimeout ends at 9001 ms.
  await open(page, slaves, 54);
  const slave = page.locator('#rm-slave-broker-a');
  await expect(slave).toContainText('broker-a-slave');
  await expect(slave).toContainText('down');
  await expect(slave).toContainText('1 SYNC_MASTER sends wait for it');
  await expect(page.locator('#rm-broker-broker-a')).toContainText('SYNC_MASTER');
  await expect(page.locator('#rm-namesrv tbody tr')).toHaveCount(3);
  await page.screenshot({ path: shot('rocket-slave-waiting.png'), fullPage: true });
  // Step 192: the master is down; the slave has everything and keeps broker-a's queues in the
  // consumer's route, but refuses its pulls.
  await page.goto('about:blank');
  await open(page, slaves, 192);
  await expect(page.locator('#rm-broker-broker-a')).toContainText('down');
  await expect(page.locator('#rm-slave-broker-a')).not.toContainText('behind');
  await expect(page.locator('#rm-consumer-ledger')).toContainText('broker-a×1 (no master)');
  await expect(logRow(page, 'which refuses (code 2')).toBeVisible();
  await page.click('#lang-toggle');
  await expect(page.locator('#rm-slave-broker-a')).toContainText('拒绝拉取');
  await page.locator('#rm-broker-broker-a').screenshot({ path: shot('rocket-slave-zh.png') });
  const axe = await new AxeBuilder({ page }).include('#rm-cluster').analyze();
  expect(axe.violations.map(v => `${v.id}: ${v.nodes.slice(0, 3).map(n => n.target).join(' | ')}`)).toEqual([]);
});

test('an orderly consumer cut off from its broker stops when its lock is 30 s old', async ({ page }) => {
  await open(page, lockExpiry, 180);
  const shipper = page.locator('#rm-consumer-shipper');
  await expect(shipper).toContainText('lock expired');
  await expect(logRow(page, 'over 30 s ago (rocketmq.client.rebalance.lockMaxLiveTime)')).toBeVisible();
  await shipper.screenshot({ path: shot('rocket-lock-expired.png') });
  await page.click('#lang-toggle');
  await expect(shipper).toContainText('锁已过期');
  await shipper.screenshot({ path: shot('rocket-lock-expired-zh.png') });
});

test('the delay levels count down and a timer message comes out on a second boundary', async ({ page }) => {
  await open(page, delays, 44);
  const levels = page.locator('#rm-broker-broker-a .rm-levels');
  await expect(levels.locator('.rm-level')).toHaveCount(18);
  await expect(levels.locator('.rm-level.busy')).toHaveCount(2);
  await expect(levels.locator('.rm-level.busy').first()).toContainText('×2');
  await expect(page.locator('#rm-broker-broker-a')).toContainText('rmq_sys_wheel_timer');
  await expect(logRow(page, 'timer message illegal')).toBeVisible();
  await page.screenshot({ path: shot('rocket-delay-levels.png'), fullPage: true });
  // The message table's trace of a delayed message: parked, then out at the 100 ms look.
  await page.goto('about:blank');
  await open(page, delays, 1_000_000);
  await page.getByRole('button', { name: 'Show the trace of #2' }).click();
  await expect(page.locator('#rm-trace')).toContainText('SCHEDULE_TOPIC_XXXX');
  await expect(page.locator('#rm-trace')).toContainText('11300 ms');
});

test('the form sends a delayed message, a transaction and an ordered one; a bad level is refused', async ({ page }) => {
  await open(page, orderly, 5);
  await page.selectOption('#rm-kind', 'delay');
  await page.fill('#rm-value', '2');
  await page.fill('#rm-keys', 'mine-delay');
  await page.click('#rm-send');
  // Step until the broker has parked it (other events of the run come first).
  for (let i = 0; i < 40 && !(await logRow(page, 'parked the delayed message').count()); i++) await page.click('#btn-step');
  await expect(logRow(page, 'parked the delayed message')).toBeVisible();
  await page.selectOption('#rm-kind', 'ordered');
  await page.fill('#rm-keys', 'order-17');
  await page.click('#rm-send');
  await expect(logRow(page, '"order-17".hashCode() = 1234255109')).toBeVisible();
  await page.selectOption('#rm-kind', 'delay');
  await page.fill('#rm-value', 'soon');
  await page.click('#rm-send');
  await expect(page.locator('[role=alert]').first()).toContainText('delay_level');
  await page.screenshot({ path: shot('rocket-controls.png'), fullPage: true });
  // A query by key finds what the broker's index holds under topic#key.
  await page.fill('#rm-query-key', 'order-17-paid');
  await page.click('#rm-query');
  await expect(logRow(page, 'query by key `order-events#order-17-paid`')).toBeVisible();
  // A query by msgId: the newest message sent is picked; once stored, its UNIQ_KEY finds its
  // copies (a delayed one has two: the parked one and the real one).
  for (let i = 0; i < 40; i++) await page.click('#btn-step');
  await expect(page.locator('#rm-query-id option')).not.toHaveCount(0);
  await page.click('#rm-query-by-id');
  await expect(logRow(page, /query by msgId `[0-9A-F]{32}`: [1-9]\d* found/)).toBeVisible();
});

test('a crashed orderly consumer leaves its locks behind; a crash button; in Chinese too', async ({ page }) => {
  // The scenario crashes shipper-2 at 20 s: shipper-1 cannot lock its queues until they expire.
  await open(page, orderly, 150);
  await expect(page.locator('#rm-consumer-shipper-2')).toContainText('down');
  await page.click('#lang-toggle');
  await expect(page.locator('#rm-cluster h2')).toHaveText('RocketMQ 集群');
  await expect(logRow(page, '无法锁定')).toBeVisible();
  await page.screenshot({ path: shot('rocket-orderly-zh.png'), fullPage: true });
  await page.goto('about:blank');
  // The crash button: the producer dies mid-transaction, and the broker will ask the other member.
  await open(page, txn, 25);
  await page.locator('#rm-producer-order-service-1').getByRole('button', { name: /Crash|崩溃/ }).click();
  await expect(logRow(page, 'order-service-1 崩溃')).toBeVisible();
  await expect(page.locator('#rm-producer-order-service-1')).toContainText('已宕机');
  await page.goto('about:blank');
  await open(page, txn, 400);
  // The language chosen stays chosen.
  await expect(page.locator('#rm-sequence h2')).toHaveText('事务消息，逐步看');
  await page.screenshot({ path: shot('rocket-transaction-zh.png'), fullPage: true });
});

const traced = readJson('tests/golden/rocket-message-trace.scenario.json');

test('message trace: the trace topic holds each message\'s Pub, SubBefore and SubAfter records', async ({ page }) => {
  await open(page, traced, 1_000_000);
  await expect(logRow(page, 'stored a trace message in RMQ_SYS_TRACE_TOPIC')).toBeVisible();
  await expect(page.locator('#rm-consumer-shipper')).toContainText('8 lost in a crash');
  await expect(page.locator('#rm-producer-checkout')).toContainText('trace → RMQ_SYS_TRACE_TOPIC (batches of 10)');
  await page.getByRole('button', { name: 'Show the trace of #2', exact: true }).click();
  const records = page.locator('#rm-trace-records tbody tr');
  await expect(records.first()).toContainText('SubBefore');
  await expect(page.locator('#rm-trace-records')).toContainText('Pub');
  await expect(page.locator('#rm-trace-records')).toContainText('SubAfter');
  await page.locator('#rm-messages').screenshot({ path: shot('rocket-message-trace.png') });
  await page.click('#lang-toggle');
  await expect(page.locator('#rm-trace')).toContainText('轨迹记录');
  await page.locator('#rm-messages').screenshot({ path: shot('rocket-message-trace-zh.png') });
});

const outbox = readJson('tests/golden/rocket-outbox.scenario.json');

test('the outbox relays a committed row, and a crash before SEND_OK sends it twice', async ({ page }) => {
  await open(page, outbox, 1_000_000);
  await expect(page.locator('#rm-producer-order-service')).toContainText('outbox table: unsent / sent 0 / 2');
  await expect(logRow(page, 'the outbox relay takes unsent rows #3')).toBeVisible();
  await expect(logRow(page, 'the group consumed it before')).toBeVisible();
  // The outbox order and the half-message order side by side in the sequence view.
  await expect(page.locator('#rm-sequence button.rm-txn')).toHaveCount(4);
  await page.locator('#rm-sequence').getByRole('button', { name: /^#3 order-3/ }).click();
  await expect(page.locator('#rm-sequence svg.rm-seq')).toContainText('outbox.marked');
  await page.locator('#rm-sequence').screenshot({ path: shot('rocket-outbox-sequence.png') });
});

// The RocketMQ lessons play from their first step to their last with the cluster drawn and
// their predictions answered by the run; then a step in Chinese.
for (const [id, zhCheck] of [['q11-transactional-messages', '事务消息，逐步看'], ['q12-delay-levels', 'RocketMQ 集群'], ['q15-rocketmq-ordering', 'RocketMQ 集群'], ['q24-message-trace', 'RocketMQ 集群'], ['q22-distributed-transactions', 'RocketMQ 集群']]) {
  test(`lesson ${id} plays to its end with its predictions answered`, async ({ page }) => {
    // Minutes of broker time per step: a learner would pick a fast pace too.
    await playLesson(page, id, {
      pace: '100×',
      after: async s => {
        await expect(page.locator('#rm-cluster')).toBeVisible();
        if (s === 4) await page.screenshot({ path: shot(`lesson-${id}.png`), fullPage: true });
      },
    });
    await page.click('#lang-toggle');
    await expect(page.locator('.rocket-panel')).toContainText(zhCheck);
    await page.screenshot({ path: shot(`lesson-${id}-zh.png`), fullPage: true });
  });
}
