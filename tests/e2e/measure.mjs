// Browser figures for the notes (a program that prints figures, not a test), run by scripts/bench.sh:
//   first render: navigation start to the diagram's first broker drawn (median of 5 cold loads);
//   fps while a lesson step plays (Q3's rebalance step, 6 s of animation frames counted in the page);
//   fps while 1 000 records are produced and consumed (a produce_many of 1 000, playing at 1× and 100×).
// Serves dist/ on 127.0.0.1 itself and stops everything it started.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.E2E_PORT ?? 4179);
const server = spawn(process.execPath, [join(here, 'serve-dist.mjs')], { env: { ...process.env, E2E_PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise(r => server.stdout.once('data', r));
const base = `http://127.0.0.1:${port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
});

// Counts animation frames in the page for `ms` and reports frames per second and the longest gap.
const fps = (page, ms) => page.evaluate(ms => new Promise(done => {
  let frames = 0, last = performance.now(), worst = 0;
  const start = last;
  const tick = now => {
    frames++; worst = Math.max(worst, now - last); last = now;
    if (now - start < ms) requestAnimationFrame(tick);
    else done({ fps: +(frames * 1000 / (now - start)).toFixed(1), longest_frame_ms: +worst.toFixed(1) });
  };
  requestAnimationFrame(tick);
}), ms);

const median = xs => xs.sort((a, b) => a - b)[xs.length >> 1];
try {
  const renders = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(base);
    await page.locator('svg.diagram .broker').first().waitFor({ timeout: 30_000 });
    renders.push(await page.evaluate(() => performance.now()));
    await context.close();
  }
  console.log(JSON.stringify({ first_render_ms_median: Math.round(median(renders)), runs_ms: renders.map(Math.round) }));

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(base);
  await page.click('#lesson-q03-kafka-architecture');
  for (let i = 0; i < 4; i++) {
    const before = await page.locator('#lesson-step').innerText();
    while ((await page.locator('#lesson-step').innerText()) === before) await page.click('#lesson-next');
  }
  console.log(JSON.stringify({ lesson_step: await page.locator('#lesson-step').innerText(), ...(await fps(page, 6000)) }));

  const doc = {
    version: 2, seed: 3, duration_ms: 120000,
    kafka: { brokers: 3, topics: [{ name: 'orders', partitions: 3 }], producers: [{ id: 'p1' }],
             consumers: [{ id: 'c1', group: 'g', topics: ['orders'], auto_offset_reset: 'earliest' }] },
    actions: [{ at_ms: 1000, kafka: { do: 'produce_many', producer: 'p1', topic: 'orders', count: 1000, key_prefix: 'order', distinct_keys: 50 } }],
  };
  // At 1× the group's 3 s initial delay, the burst and its consumption take about 20 s of reading; at 100× under 3 s.
  for (const [speed, window_ms] of [['1×', 20000], ['100×', 3000]]) {
    await page.goto(`${base}#s=${Buffer.from(JSON.stringify(doc)).toString('base64url')}&step=0`);
    await page.reload();
    await page.locator('svg.diagram .broker').first().waitFor();
    await page.selectOption('#speed', { label: speed });
    await page.click('#btn-play');
    const figures = await fps(page, window_ms);
    const clock = await page.locator('#clock').innerText();
    const consumed = await page.locator('#el-c1').getAttribute('aria-label');
    console.log(JSON.stringify({ produce_1000_at: speed, window_ms, ...figures, clock_after: clock, consumer: consumed }));
    if ((await page.locator('#btn-play').getAttribute('aria-label')) === 'Pause') await page.click('#btn-play');
  }
} finally {
  await browser.close();
  server.kill();
}
