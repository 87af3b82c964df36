// One layout for every view: at phone width the diagram fits (no sideways scroll) and stays in
// sight beside the narration; no label spills out of its box, in either language.
import { test, expect, open, freePlay, shot } from '../fixtures.mjs';

const phone = { width: 390, height: 844 };

/** Every label drawn in a box (broker, consumer, producer, group header) stays inside it. */
async function spilledLabels(page) {
  return page.evaluate(() => {
    const out = [];
    for (const g of document.querySelectorAll('svg.diagram g.broker, svg.diagram g.consumer, svg.diagram g.producer, svg.diagram g.group-header')) {
      const box = g.querySelector(':scope > rect');
      if (!box) continue;
      const b = box.getBoundingClientRect();
      for (const text of g.querySelectorAll(':scope > text')) {
        const r = text.getBoundingClientRect();
        if (r.width === 0) continue;
        if (r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1 || r.bottom > b.bottom + 1) {
          out.push(`${g.id || g.className.baseVal}: "${text.textContent}"`);
        }
      }
    }
    return out;
  });
}

const overflowX = page => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

for (const lang of ['en', 'zh']) {
  test(`no label spills out of its box (${lang}, 1280 and 390, after a rebalance)`, async ({ page }) => {
    await page.addInitScript(l => localStorage.setItem('mqplay.lang', l), lang);
    await open(page);
    await page.click('#lesson-q03-kafka-architecture');
    for (let s = 0; s < 6; s++) {
      // Show each step's end, then go on: step 6 has four consumers in two groups' worth of cards.
      for (let i = 0; i < 3; i++) { await page.keyboard.press('n'); await page.waitForTimeout(80); }
      if (await page.locator('#btn-reveal').count()) {
        await page.locator('.predict input[type=radio]').first().check();
        await page.click('#btn-reveal');
        await page.keyboard.press('n');
      }
    }
    expect(await spilledLabels(page)).toEqual([]);
    await page.setViewportSize(phone);
    await page.waitForTimeout(300);
    expect(await spilledLabels(page)).toEqual([]);
    expect(await overflowX(page)).toBeLessThanOrEqual(1);
  });
}

test('on a phone the diagram fits the screen, on the home page and in free play', async ({ page }) => {
  await page.setViewportSize(phone);
  await open(page);
  expect(await overflowX(page)).toBeLessThanOrEqual(1);
  const svg = await page.locator('svg.diagram').boundingBox();
  expect(svg.x).toBeGreaterThanOrEqual(0);
  expect(svg.x + svg.width).toBeLessThanOrEqual(phone.width + 1);
  // Every consumer card is on screen horizontally (it was off to the right before).
  for (const c of await page.locator('svg.diagram g.consumer').all()) {
    const b = await c.boundingBox();
    expect(b.x + b.width).toBeLessThanOrEqual(phone.width + 1);
  }
  await page.screenshot({ path: shot('phone-home.png'), fullPage: true });
  await freePlay(page);
  expect(await overflowX(page)).toBeLessThanOrEqual(1);
});

test('on a phone, the diagram stays in sight while the narration is read', async ({ page }) => {
  await page.setViewportSize(phone);
  await open(page);
  await page.click('#lesson-q03-kafka-architecture');
  await page.locator('#lesson-narration').scrollIntoViewIfNeeded();
  const narration = await page.locator('#lesson-narration').boundingBox();
  const diagram = await page.locator('svg.diagram').boundingBox();
  expect(narration.y).toBeLessThan(phone.height);
  expect(narration.y + 20).toBeGreaterThan(0);
  // The diagram is on screen at the same time (sticky above the narration).
  expect(diagram.y).toBeGreaterThanOrEqual(-1);
  expect(diagram.y + diagram.height).toBeGreaterThan(100);
  expect(diagram.y).toBeLessThan(narration.y);
  const next = await page.locator('#lesson-next').boundingBox();
  expect(next.y + next.height).toBeLessThanOrEqual(phone.height);
  expect(await overflowX(page)).toBeLessThanOrEqual(1);
  await page.screenshot({ path: shot('phone-lesson.png') });
});
