// Lessons that play: each step plays its own events at a readable pace, Next never skips what the
// narration describes, predictions are answered by the run, focus stays where the learner is.
import { test, expect, open, shot } from '../fixtures.mjs';

const stepText = page => page.locator('#lesson-step');

/** Finish the current step if it plays, then go to the next one. */
async function next(page) {
  const before = await stepText(page).innerText();
  for (let i = 0; i < 3 && (await stepText(page).innerText()) === before; i++) {
    await page.click('#lesson-next');
    await page.waitForTimeout(50);
  }
  await expect(stepText(page)).not.toHaveText(before);
}

async function openQ3(page) {
  await open(page);
  await page.click('#lesson-q03-kafka-architecture');
  await expect(stepText(page)).toHaveText(/Step 1 of \d+/);
}

test('a lesson steps forward and back, and focus starts on its title', async ({ page }) => {
  await openQ3(page);
  await expect(page.locator('#lesson-title')).toBeFocused();
  const first = await page.locator('#lesson-narration').innerText();
  await next(page);
  await expect(stepText(page)).toHaveText(/Step 2 of/);
  await expect(page.locator('#lesson-narration')).not.toHaveText(first);
  await page.click('#lesson-prev');
  await expect(stepText(page)).toHaveText(/Step 1 of/);
  await expect(page.locator('#lesson-narration')).toHaveText(first);
  // At the first step Back is inert but keeps focus.
  await page.focus('#lesson-prev');
  await expect(page.locator('#lesson-prev')).toHaveAttribute('aria-disabled', 'true');
  await page.keyboard.press('Enter');
  await expect(page.locator('#lesson-prev')).toBeFocused();
  await expect(stepText(page)).toHaveText(/Step 1 of/);
});

test('the rebalance step of Q3 plays out: the log grows a line at a time, with the moment shown', async ({ page }) => {
  await openQ3(page);
  for (let i = 0; i < 4; i++) await next(page);
  await expect(stepText(page)).toHaveText(/Step 5 of/);
  await expect(page.locator('#lesson-play-state')).toHaveText('Playing the step…');
  await expect(page.locator('#lesson-next')).toHaveText(/Show the end/);
  const rows = () => page.locator('#event-log li').count();
  const progress = () => page.locator('#lesson-play progress').evaluate(p => Number(p.value));
  const seen = [];
  for (let i = 0; i < 6; i++) { seen.push([await rows(), await progress()]); await page.waitForTimeout(700); }
  // Rows arrive over several seconds, not all at once; progress moves forward.
  const counts = seen.map(s => s[0]);
  expect(new Set(counts).size, `rows seen: ${counts}`).toBeGreaterThanOrEqual(3);
  expect(seen.at(-1)[1]).toBeGreaterThan(seen[0][1]);
  await expect(page.locator('#lesson-now')).not.toBeEmpty();
  await expect(page.locator('svg.diagram .hl').first()).toBeVisible();
  await page.screenshot({ path: shot('lesson-rebalance-playing-en.png') });
  // "Show the end" finishes the step without leaving it.
  await page.click('#lesson-next');
  await expect(page.locator('#lesson-play-state')).toHaveText('Step played');
  await expect(stepText(page)).toHaveText(/Step 5 of/);
  await expect(page.locator('#lesson-next')).toHaveText(/Next/);
  await expect(page.locator('#event-log')).toContainText('c3');
  const end = await rows();
  // Replay starts the step's events again.
  await page.click('#lesson-replay');
  await expect(page.locator('#lesson-play-state')).toHaveText('Playing the step…');
  expect(await rows()).toBeLessThan(end);
  await page.keyboard.press('n');
  await expect(page.locator('#lesson-play-state')).toHaveText('Step played');
  expect(await rows()).toBe(end);
});

test('the pace control slows a step down', async ({ page }) => {
  await openQ3(page);
  await expect(page.locator('#lesson-pace')).toBeVisible();
  const options = await page.locator('#lesson-pace option').allInnerTexts();
  expect(options.length).toBeGreaterThan(2);
});

test('a prediction is answered by running the step; focus moves to the verdict; Next stays on screen', async ({ page }) => {
  await openQ3(page);
  for (let i = 0; i < 2; i++) await next(page);
  await expect(page.locator('#btn-reveal')).toBeDisabled();
  await page.locator('.predict input[type=radio]').first().check();
  await page.click('#btn-reveal');
  await expect(page.locator('#predict-verdict')).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('#predict-verdict')).toBeFocused();
  await expect(page.locator('#predict-verdict')).toContainText(/You predicted it\.|Not what you predicted\./);
  await expect(page.locator('#predict-verdict')).toContainText(/LEO = 4\. Same key, same partition/);
  const box = await page.locator('#lesson-next').boundingBox();
  expect(box.y + box.height, 'Next is above the fold at 1280×800').toBeLessThanOrEqual(800);
  await page.screenshot({ path: shot('lesson-en.png') });
});

test('every step of Q3 keeps Next on screen at 1280×800, after the step has played', async ({ page }) => {
  await openQ3(page);
  const total = Number((await stepText(page).innerText()).match(/of (\d+)/)[1]);
  for (let s = 1; s <= total; s++) {
    if (await page.locator('#btn-reveal').count()) {
      await page.locator('.predict input[type=radio]').first().check();
      await page.click('#btn-reveal');
    }
    if ((await page.locator('#lesson-next').innerText()).includes('Show the end')) await page.click('#lesson-next');
    const box = await page.locator('#lesson-next').boundingBox();
    expect(box.y + box.height, `step ${s}`).toBeLessThanOrEqual(800);
    if (s < total) await next(page);
  }
  await expect(page.locator('#lesson-next')).toHaveAttribute('aria-disabled', 'true');
});

test('arrow keys and n / p turn the lesson\'s pages', async ({ page }) => {
  await openQ3(page);
  await page.locator('#lesson-narration').click();
  await page.keyboard.press('ArrowRight'); // shows the end of step 1 if it still plays
  await page.keyboard.press('ArrowRight');
  await expect(stepText(page)).toHaveText(/Step 2 of/);
  await page.keyboard.press('p');
  await expect(stepText(page)).toHaveText(/Step 1 of/);
  await page.keyboard.press('ArrowLeft');
  await expect(stepText(page)).toHaveText(/Step 1 of/);
});

test('leaving a lesson and coming back keeps the place', async ({ page }) => {
  await openQ3(page);
  await next(page);
  const where = await stepText(page).innerText();
  await page.click('#lesson-leave');
  await page.click('#lesson-resume');
  await expect(stepText(page)).toHaveText(where);
});

test('Q15 opens in Chinese with every label translated', async ({ page }) => {
  await open(page);
  await page.click('#lang-toggle');
  await page.click('#lesson-q15-ordering');
  await expect(stepText(page)).toHaveText(/第 1 步，共 \d+ 步/);
  await expect(page.locator('#lesson-next')).toHaveText(/下一步|直接看结果/);
  await page.screenshot({ path: shot('lesson-zh.png') });
});
