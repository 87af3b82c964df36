// Shared fixtures: every page of a test is watched, and the test fails on any console error,
// page error or dialog. Helpers for links, steps and Kafka's murmur2 (written again here,
// independently of the Rust code, to check the page's sentences).
import { test as base, expect } from '@playwright/test';
import { readFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
export const shotsDir = join(here, 'screenshots');
mkdirSync(shotsDir, { recursive: true });
export const shot = name => join(shotsDir, name);

export const test = base.extend({
  problems: async ({}, use) => { await use([]); },
  context: async ({ context, problems }, use) => {
    const watch = page => {
      page.on('pageerror', e => problems.push(`pageerror: ${e}`));
      page.on('console', m => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
      page.on('dialog', d => { problems.push(`dialog opened: ${d.message()}`); d.dismiss().catch(() => {}); });
    };
    context.pages().forEach(watch);
    context.on('page', watch);
    await use(context);
  },
  page: async ({ page, problems }, use) => {
    await use(page);
    expect(problems, 'no console errors, page errors or dialogs').toEqual([]);
  },
});
export { expect };

/** Opens the page and waits until the simulation has drawn its diagram. */
export async function open(page, path = '') {
  await page.goto(path);
  await page.locator('svg.diagram .broker').first().waitFor({ timeout: 20_000 });
}

export const logRow = (page, text) => page.locator('#event-log li', { hasText: text }).first();

export async function stepsOn(page) {
  return Number((await page.locator('#clock').innerText()).match(/(?:step|步) (\d+)/)[1]);
}

export const linkTo = (doc, step) => `/#s=${Buffer.from(JSON.stringify(doc)).toString('base64url')}&step=${step}`;

export const readJson = rel => JSON.parse(readFileSync(join(root, rel), 'utf8'));

/** Free play with nothing of the learner's to lose (no confirmation is asked). */
export async function freePlay(page) {
  await page.click('#btn-free-play');
  if (await page.locator('#confirm').count()) await page.click('#confirm-yes');
  await expect(page.locator('#confirm')).toHaveCount(0);
}

export function murmur2(bytes) {
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ bytes.length) | 0;
  const n4 = bytes.length >> 2;
  for (let i = 0; i < n4; i++) {
    const j = i * 4;
    let k = (bytes[j] & 0xff) | ((bytes[j + 1] & 0xff) << 8) | ((bytes[j + 2] & 0xff) << 16) | ((bytes[j + 3] & 0xff) << 24);
    k = Math.imul(k, m); k ^= k >>> 24; k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = bytes.length & 3, start = bytes.length & ~3;
  if (tail === 3) h ^= (bytes[start + 2] & 0xff) << 16;
  if (tail >= 2) h ^= (bytes[start + 1] & 0xff) << 8;
  if (tail >= 1) { h ^= bytes[start] & 0xff; h = Math.imul(h, m); }
  h ^= h >>> 13; h = Math.imul(h, m); h ^= h >>> 15;
  return h | 0;
}

/// Opens lesson `id` from the home page and plays it to its last step: each prediction answered
/// with its first option and revealed, `after(s)` called once step `s` has played (its checks
/// and screenshots), Next pressed until the step counter moves. `pace` picks a playback pace.
export async function playLesson(page, id, { pace, after } = {}) {
  await page.goto('/');
  await page.locator('#lesson-' + id).waitFor({ timeout: 20_000 });
  await page.click('#lesson-' + id);
  const step = page.locator('#lesson-step');
  await expect(step).toHaveText(/Step 1 of \d+/);
  const total = Number((await step.innerText()).match(/of (\d+)/)[1]);
  // The pace control shows once the step can play: after a first step's prediction, if any.
  let paced = !pace;
  const choosePace = async () => {
    if (!paced && await page.locator('#lesson-pace').count()) {
      await page.selectOption('#lesson-pace', { label: pace });
      paced = true;
    }
  };
  await choosePace();
  for (let s = 1; s <= total; s++) {
    if (await page.locator('#btn-reveal').count()) {
      await page.locator('.predict input[type=radio]').first().check();
      await page.click('#btn-reveal');
      await choosePace();
      await expect(page.locator('#predict-verdict')).toBeVisible({ timeout: 60_000 });
    }
    await choosePace();
    if (after) await after(s);
    if (s < total) {
      for (let i = 0; i < 6 && (await step.innerText()).startsWith(`Step ${s} of`); i++) {
        await page.click('#lesson-next');
        await page.waitForTimeout(150);
      }
      await expect(step).toHaveText(new RegExp(`Step ${s + 1} of`), { timeout: 30_000 });
    }
  }
  await expect(page.locator('#lesson-next')).toHaveAttribute('aria-disabled', 'true');
}
