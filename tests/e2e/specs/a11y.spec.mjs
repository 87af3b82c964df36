// axe-core on the home page, a lesson, free play and the import dialog, in both languages and both
// colour schemes, at desktop and phone sizes: 0 violations. Each combination is also photographed.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, open, freePlay, shot } from '../fixtures.mjs';

const views = {
  home: async () => {},
  lesson: async page => {
    await page.click('#lesson-q03-kafka-architecture');
    for (let i = 0; i < 12 && !/(Step 4 of|第 4 步)/.test(await page.locator('#lesson-step').innerText()); i++) {
      await page.keyboard.press('n');
      await page.waitForTimeout(60);
    }
    await expect(page.locator('#lesson-step')).toHaveText(/(Step 4 of|第 4 步)/);
    await page.keyboard.press('n'); // show the end of step 4
    await expect(page.locator('#lesson-play-state')).toHaveText(/Step played|本步已播放/);
  },
  'free-play': async page => {
    await freePlay(page);
    await page.fill('#key-input', 'order-1');
    await page.click('#btn-produce');
    await page.click('#btn-step');
    await page.click('#el-orders-0');
  },
  import: async page => {
    await page.click('#btn-import');
    await expect(page.locator('#import')).toBeVisible();
  },
};

const sizes = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

for (const [view, reach] of Object.entries(views)) {
  for (const lang of ['en', 'zh']) {
    for (const scheme of ['light', 'dark']) {
      test(`axe: ${view}, ${lang}, ${scheme}`, async ({ page }) => {
        await page.addInitScript(l => localStorage.setItem('mqplay.lang', l), lang);
        await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
        await open(page);
        await reach(page);
        await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
        // The same state at both sizes: the page lays itself out again on resize.
        for (const [size, viewport] of Object.entries(sizes)) {
          await page.setViewportSize(viewport);
          await page.waitForTimeout(250);
          await page.screenshot({ path: shot(`${view}-${lang}-${scheme}-${size}.png`) });
          const result = await new AxeBuilder({ page }).analyze();
          const found = result.violations.map(v => `${v.id} (${v.impact}): ${v.help}\n    ` +
            v.nodes.slice(0, 5).map(n => `${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 240)}`).join('\n    '));
          expect(found, `${view} ${lang} ${scheme} ${size}`).toEqual([]);
        }
      });
    }
  }
}
