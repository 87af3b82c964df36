// The assignor lab: Kafka's four client assignors side by side on a typed group (the results
// are checked against Kafka's documented examples), a bad field named plainly, the page's own
// group copied in, and the dialog in both languages.
import { test, expect, open, freePlay, playLesson, shot } from '../fixtures.mjs';

const chips = col => col.locator('.lab-chip').allInnerTexts();
const memberChips = (page, assignor, member) =>
  page.locator(`#lab-col-${assignor} .lab-members li`, { hasText: member }).first().locator('.lab-chip').allInnerTexts();

test('the lab runs every assignor on Kafka\'s javadoc example and explains each partition', async ({ page }) => {
  await open(page);
  await page.click('#btn-assignor-lab');
  const lab = page.locator('#assignor-lab');
  await expect(lab).toBeVisible();
  for (const a of ['range', 'roundrobin', 'sticky', 'cooperative-sticky']) {
    await expect(page.locator(`#lab-col-${a} h3`)).toHaveText(a);
  }
  // RoundRobinAssignor's javadoc: C0 → t0p0; C1 → t1p0; C2 → t1p1, t2p0, t2p1, t2p2.
  expect(await memberChips(page, 'roundrobin', 'C0')).toEqual(['t0-0']);
  expect(await memberChips(page, 'roundrobin', 'C1')).toEqual(['t1-0']);
  expect(await memberChips(page, 'roundrobin', 'C2')).toEqual(['t1-1', 't2-0', 't2-1', 't2-2']);
  // StickyAssignor's javadoc, same input: C0 → t0p0; C1 → t1p0, t1p1; C2 → t2p0, t2p1, t2p2.
  expect(await memberChips(page, 'sticky', 'C1')).toEqual(['t1-0', 't1-1']);
  expect(await memberChips(page, 'sticky', 'C2')).toEqual(['t2-0', 't2-1', 't2-2']);
  await page.locator('#lab-col-range details summary').click();
  await expect(page.locator('#lab-col-range details')).toContainText('t1-1 → C2');
  await lab.screenshot({ path: shot('assignor-lab.png') });
  await page.keyboard.press('Escape');
  await expect(lab).toHaveCount(0);
});

test('a member leaving: sticky keeps what members owned, range reshuffles; a bad field is named', async ({ page }) => {
  await open(page);
  await page.click('#btn-assignor-lab');
  await page.selectOption('#lab-preset', '1');
  // consumer-a owned orders-0, orders-3, payments-0 and keeps them under both sticky assignors.
  for (const a of ['sticky', 'cooperative-sticky']) {
    const kept = await page.locator(`#lab-col-${a} .lab-members li`, { hasText: 'consumer-a' }).first().locator('.lab-chip.kept').allInnerTexts();
    expect(kept).toEqual(expect.arrayContaining(['orders-0', 'orders-3', 'payments-0']));
  }
  await expect(page.locator('#lab-col-sticky .lab-summary')).toContainText(/moved\s+0/);
  await page.fill('#lab-topic-0-partitions', 'six');
  await expect(page.locator('#lab-errors')).toContainText('topic 1 · partitions');
  await page.fill('#lab-topic-0-partitions', '6');
  await expect(page.locator('#lab-errors')).toHaveCount(0);
  // The form outlives the dialog: close it, switch language, open it again.
  await page.keyboard.press('Escape');
  await page.click('#lang-toggle');
  await page.click('#btn-assignor-lab');
  await expect(page.locator('#assignor-lab h2')).toHaveText('分配策略实验室');
  await expect(page.locator('#lab-topic-0-partitions')).toHaveValue('6');
  // Edited by hand, the form is no longer the preset, and the picker says so.
  await expect(page.locator('#lab-preset')).toHaveValue('');
  await expect(page.locator('#lab-col-range details')).toContainText('的连续区间');
  await page.locator('#assignor-lab').screenshot({ path: shot('assignor-lab-zh.png') });
});

test('the page\'s own group goes into the lab with what each member owns', async ({ page }) => {
  await open(page);
  await freePlay(page);
  // Run until both billing consumers hold partitions.
  for (let i = 0; i < 300 && (await page.locator('#event-log li', { hasText: 'is assigned' }).count()) < 2; i++) {
    await page.click('#btn-step');
  }
  await page.click('#btn-assignor-lab');
  await page.click('#lab-use-group');
  await expect(page.locator('#lab-member-0-id')).toHaveValue(/^billing-1-/);
  await expect(page.locator('#lab-member-1-id')).toHaveValue(/^billing-2-/);
  const owned = (await page.inputValue('#lab-member-0-owned')) + ' ' + (await page.inputValue('#lab-member-1-owned'));
  expect(owned.trim().split(/\s+/).sort()).toEqual(['orders-0', 'orders-1', 'orders-2']);
  // Every assignor keeps the group as it is or rebalances it; range reproduces what the page shows.
  const range = [...await memberChips(page, 'range', 'billing-1'), ...await memberChips(page, 'range', 'billing-2')];
  expect(range.sort()).toEqual(['orders-0', 'orders-1', 'orders-2']);
  // The inspector names the assignor the group runs and each consumer's strategy.
  await page.keyboard.press('Escape');
  await page.locator('svg.diagram g.group-header').first().click();
  await expect(page.locator('#group-protocol')).toHaveText('range');
  await page.locator('svg.diagram g.consumer').first().click();
  await expect(page.locator('#consumer-strategy')).toHaveText('range, cooperative-sticky · EAGER');
  await page.locator('#consumer-strategy').locator('xpath=ancestor::section[1]').screenshot({ path: shot('inspector-consumer-strategy.png') });
  await page.click('#lang-toggle');
  await page.locator('svg.diagram g.group-header').first().click();
  await expect(page.locator('#group-protocol')).toHaveText('range');
  await page.locator('#group-protocol').locator('xpath=ancestor::section[1]').screenshot({ path: shot('inspector-group-protocol-zh.png') });
});

// Lesson Q6 in the browser: the eager group gives up everything, the cooperative one only what
// moves; static members come back without a rebalance.
test('lesson q06-consumer-groups compares eager with cooperative, and static with dynamic members', async ({ page }) => {
  await playLesson(page, 'q06-consumer-groups', {
    pace: '100×',
    after: async s => {
      if (s === 3) {
        const table = page.locator('#lesson-compare');
        await expect(table.locator('tbody tr').nth(0)).toContainText('6');
        await expect(table.locator('tbody tr').nth(1)).toContainText('2');
        await page.screenshot({ path: shot('lesson-q06-consumer-groups.png'), fullPage: true });
      }
      if (s === 12) {
        const table = page.locator('#lesson-compare');
        await expect(table.locator('tbody tr').nth(0)).toContainText('0');
        await expect(table.locator('tbody tr').nth(1)).toContainText('1');
        await page.click('#lang-toggle');
        await expect(page.locator('#lesson-step-title')).toHaveText('会话结束之前它回来了');
        await page.screenshot({ path: shot('lesson-q06-consumer-groups-zh.png'), fullPage: true });
        await page.click('#lang-toggle');
      }
    },
  });
});
