// End-to-end tests of the built page (dist/) in Debian's Chromium via playwright-core.
// Serves dist/ on 127.0.0.1 with a small static server, fails on any console error or page error,
// saves screenshots to tests/e2e/screenshots/, and stops everything it started.
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve, extname, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.env.DIST_DIR ?? join(here, '..', '..', 'dist'));
const shots = join(here, 'screenshots');
await mkdir(shots, { recursive: true });

// Kafka's murmur2 written again here, independently of the Rust code, to check the page's sentence.
function murmur2(bytes) {
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ bytes.length) | 0;
  const n4 = bytes.length >> 2;
  for (let i = 0; i < n4; i++) {
    const j = i * 4;
    let k = (bytes[j] & 0xff) | ((bytes[j + 1] & 0xff) << 8) | ((bytes[j + 2] & 0xff) << 16) | ((bytes[j + 3] & 0xff) << 24);
    k = Math.imul(k, m); k ^= k >>> 24; k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = bytes.length & 3, base = bytes.length & ~3;
  if (tail === 3) h ^= (bytes[base + 2] & 0xff) << 16;
  if (tail >= 2) h ^= (bytes[base + 1] & 0xff) << 8;
  if (tail >= 1) { h ^= bytes[base] & 0xff; h = Math.imul(h, m); }
  h ^= h >>> 13; h = Math.imul(h, m); h ^= h >>> 15;
  return h | 0;
}

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml' };
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(dist, path === '/' ? 'index.html' : path);
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404); res.end('not found');
  }
});
await new Promise(r => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

const profile = mkdtempSync(join(tmpdir(), 'mqplay-e2e-'));
let browser, passed = 0, failed = 0;
const errors = [];
let current;
const test = async (name, fn) => {
  const start = Date.now();
  try { await fn(); passed++; console.log(`ok - ${name} (${Date.now() - start} ms)`); }
  catch (e) {
    failed++;
    console.log(`not ok - ${name}: ${e.message.split('\n').slice(0, 6).join('\n   ')}`);
    const file = join(shots, `failed-${passed + failed}.png`);
    await current?.screenshot({ path: file }).then(() => console.log(`   screenshot: ${file}`), () => {});
  }
};
const watch = page => {
  page.on('pageerror', e => errors.push(`pageerror: ${e}`));
  page.on('console', m => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('dialog', d => { errors.push(`dialog opened: ${d.message()}`); d.dismiss(); });
};
const logText = page => page.locator('#event-log').innerText();

try {
  browser = await chromium.launchPersistentContext(profile, {
    acceptDownloads: true,
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] ?? await browser.newPage();
  current = page;
  watch(page);

  await test('home page shows the lesson list and a live default scenario', async () => {
    await page.goto(base);
    await page.waitForSelector('#lesson-list', { timeout: 20000 });
    const lessons = await page.locator('#lesson-list .lesson-link').allInnerTexts();
    assert.ok(lessons.some(t => t.includes('Q3')), `lessons: ${lessons}`);
    assert.ok(lessons.some(t => t.includes('Q15')), `lessons: ${lessons}`);
    assert.equal(await page.locator('svg.diagram .broker').count(), 3);
    assert.equal(await page.locator('svg.diagram .lane').count(), 3);
    // It opens already playing: entries arrive without a click.
    await page.waitForSelector('#btn-play:has-text("Pause")');
    await page.waitForFunction(() => document.querySelectorAll('#event-log li').length >= 6, null, { timeout: 10000 });
    await page.click('#btn-play'); // pause
    await page.screenshot({ path: join(shots, 'home-en.png') });
  });

  await test('keyboard: arrows step forward and back, space plays and pauses', async () => {
    await page.click('#btn-reset');
    await page.locator('body').click({ position: { x: 5, y: 790 } });
    const clock = () => page.locator('#clock').innerText();
    const steps = async () => Number((await clock()).match(/(?:step|步) (\d+)/)[1]);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelectorAll('#event-log li').length >= 2);
    const after = await steps();
    assert.ok(after > 0, `steps after two → : ${after}`);
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(s => !document.querySelector('#clock').innerText.includes(` ${s}`), after);
    assert.ok((await steps()) < after);
    await page.keyboard.press(' ');
    await page.waitForSelector('#btn-play:has-text("Pause")');
    await page.keyboard.press(' ');
    await page.waitForSelector('#btn-play:has-text("Play")');
  });

  await test('a keyed record is produced and its log sentence explains the partition', async () => {
    await page.fill('#key-input', 'order-42');
    await page.fill('#value-input', 'paid');
    await page.click('#btn-produce');
    const line = page.locator('#event-log li', { hasText: 'record key `order-42`' }).first();
    await line.waitFor({ timeout: 5000 });
    const text = await line.innerText();
    const m = text.match(/partition (\d+) of orders, because murmur2\(key\) = (-?\d+), toPositive = (\d+), and (\d+) % (\d+) = (\d+)/);
    assert.ok(m, `sentence: ${text}`);
    const hash = murmur2(new TextEncoder().encode('order-42'));
    assert.equal(Number(m[2]), hash, 'murmur2 in the sentence matches an independent implementation');
    assert.equal(Number(m[3]), hash & 0x7fffffff, 'toPositive is & 0x7fffffff');
    assert.equal(Number(m[5]), 3);
    assert.equal(Number(m[1]), (hash & 0x7fffffff) % 3);
    assert.equal(Number(m[6]), Number(m[1]));
  });

  await test('a payload typed as a key is shown as text and runs nothing', async () => {
    const payload = '<img src=x onerror=alert(1)>';
    await page.fill('#key-input', payload);
    await page.click('#btn-produce');
    await page.locator('#event-log li', { hasText: payload }).first().waitFor({ timeout: 5000 });
    assert.equal(await page.locator('img').count(), 0, 'no <img> element was created');
    assert.ok((await logText(page)).includes(payload));
    assert.equal(await page.evaluate(() => window.__xss ?? null), null);
  });

  await test('a lesson steps forward and back', async () => {
    await page.click('#lesson-q03-kafka-architecture');
    await page.waitForSelector('#lesson-step');
    const total = Number((await page.locator('#lesson-step').innerText()).match(/of (\d+)/)[1]);
    assert.ok(total >= 5);
    assert.match(await page.locator('#lesson-step').innerText(), /Step 1 of/);
    const first = await page.locator('#lesson-narration').innerText();
    await page.click('#lesson-next');
    await page.waitForSelector('#lesson-step:has-text("Step 2 of")');
    assert.notEqual(await page.locator('#lesson-narration').innerText(), first);
    await page.click('#lesson-next');
    await page.waitForSelector('#lesson-step:has-text("Step 3 of")');
    await page.click('#lesson-prev');
    await page.waitForSelector('#lesson-step:has-text("Step 2 of")');
    await page.click('#lesson-prev');
    await page.waitForSelector('#lesson-step:has-text("Step 1 of")');
    assert.equal(await page.locator('#lesson-narration').innerText(), first);
  });

  await test('a prediction is answered by running the step', async () => {
    // Walk to the first step with a prediction, answer it, run it.
    for (let i = 0; i < 12 && await page.locator('#btn-reveal').count() === 0; i++) await page.click('#lesson-next');
    await page.locator('.predict input[type=radio]').first().check();
    await page.click('#btn-reveal');
    await page.waitForSelector('#predict-verdict');
    const verdict = await page.locator('#predict-verdict').innerText();
    // The first prediction (Q3: one more order from alice) is answered by the run: the LEO is 4.
    assert.match(verdict, /You predicted it\.|Not what you predicted\./);
    assert.match(verdict, /LEO = 4\. Same key, same partition/);
    await page.screenshot({ path: join(shots, 'lesson-en.png') });
  });

  await test('leaving a lesson and coming back keeps the place', async () => {
    const where = await page.locator('#lesson-step').innerText();
    await page.click('#lesson-leave');
    await page.waitForSelector('#lesson-resume');
    await page.click('#lesson-resume');
    await page.waitForSelector('#lesson-step');
    assert.equal(await page.locator('#lesson-step').innerText(), where);
  });

  await test('language switches instantly and is remembered', async () => {
    await page.click('#lang-toggle');
    await page.waitForSelector('#btn-play:has-text("播放")');
    assert.match(await page.locator('#lesson-step').innerText(), /第 \d+ 步/);
    await page.screenshot({ path: join(shots, 'lesson-zh.png') });
    await page.reload();
    await page.waitForSelector('#btn-play');
    assert.match(await page.locator('#btn-play').innerText(), /播放|暂停/);
    await page.click('#lang-toggle');
    await page.waitForFunction(() => /Play|Pause/.test(document.querySelector('#btn-play')?.innerText ?? ''));
  });

  await test('a share link carries the scenario to a new page', async () => {
    await page.click('#btn-free-play');
    await page.fill('#key-input', 'shared-key');
    await page.click('#btn-produce');
    await page.locator('#event-log li', { hasText: 'shared-key' }).first().waitFor();
    await page.click('#btn-share');
    const link = await page.locator('#share-link').inputValue();
    assert.match(link, /#s=[A-Za-z0-9_-]+&step=\d+$/);
    await page.click('#share-close');
    const other = await browser.newPage();
    watch(other);
    await other.goto(link);
    await other.waitForSelector('#event-log');
    await other.locator('#event-log li', { hasText: 'shared-key' }).first().waitFor({ timeout: 5000 });
    await other.close();
  });

  await test('export downloads the scenario, and importing it gives the same scenario back', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#btn-export')]);
    assert.equal(download.suggestedFilename(), 'mqplay-scenario.json');
    const text = await readFile(await download.path(), 'utf8');
    const exported = JSON.parse(text);
    assert.equal(exported.version, 2);
    assert.ok(exported.actions.some(a => a.kafka?.do === 'produce' && a.kafka.key === 'shared-key'), 'the learner\'s record is in it');
    await page.click('#btn-import');
    await page.fill('#import-text', text);
    await page.click('#btn-import-load');
    await page.locator('svg.diagram .broker').first().waitFor();
    assert.equal(await page.locator('#errors').count(), 0);
    const [again] = await Promise.all([page.waitForEvent('download'), page.click('#btn-export')]);
    assert.deepEqual(JSON.parse(await readFile(await again.path(), 'utf8')), exported);
  });

  await test('a broken scenario is refused with its JSON path, and nothing is lost', async () => {
    const before = await page.locator('#clock').innerText();
    await page.click('#btn-import');
    await page.fill('#import-text', '{"version":1,"seed":1,"duration_ms":1000,"kafka":{"brokers":0,"topics":[{"name":"t","partitions":1}]}}');
    await page.click('#btn-import-load');
    await page.waitForSelector('#errors');
    assert.match(await page.locator('#errors').innerText(), /kafka\.brokers/);
    assert.equal(await page.locator('#clock').innerText(), before, 'the running scenario is untouched');
    await page.click('#btn-import');
    await page.fill('#import-text', '{"version":1,"seed":1,"duration_ms":1000,"kafka":{"brokers":1,"topics":[{"name":"t","partitions":1}');
    await page.click('#btn-import-load');
    await page.waitForSelector('#errors:has-text("EOF")');
  });

  await test('a link with a broken scenario falls back to the default and says why', async () => {
    const other = await browser.newPage();
    watch(other);
    await other.goto(base + '#s=bm90IGpzb24&step=0');
    await other.waitForSelector('#errors');
    assert.match(await other.locator('#errors').innerText(), /link|expected/i);
    assert.equal(await other.locator('svg.diagram .broker').count(), 3);
    await other.close();
  });

  await test('crashing a broker takes its partition offline after the fencing timeout', async () => {
    await page.click('#btn-free-play');
    await page.click('#broker-toggle-0');
    await page.locator('#event-log li', { hasText: 'broker 0 crashed' }).first().waitFor();
    for (let i = 0; i < 400 && await page.locator('#event-log li', { hasText: 'fenced broker 0' }).count() === 0; i++) {
      await page.keyboard.press('ArrowRight');
    }
    await page.locator('#event-log li', { hasText: 'fenced broker 0' }).first().waitFor({ timeout: 3000 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(shots, 'broker-down-en.png') });
  });

  await test('diagram elements are reachable and selectable by keyboard', async () => {
    await page.click('#btn-free-play');
    await page.focus('#el-orders-1');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#inspector h3:has-text("orders-1")');
    const before = await page.locator('#clock').innerText();
    await page.focus('#el-broker-2');
    await page.keyboard.press(' ');
    await page.waitForSelector('#inspector h3:has-text("Broker 2")');
    assert.equal(await page.locator('#clock').innerText(), before, 'space on a diagram element selects; it does not play');
  });

  await test('usable on a phone-sized screen', async () => {
    const phone = await browser.newPage();
    watch(phone);
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(base);
    await phone.waitForSelector('svg.diagram');
    await phone.click('#btn-play');
    await phone.screenshot({ path: join(shots, 'phone.png'), fullPage: true });
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen`);
    await phone.close();
  });

  const linkTo = (doc, step) => `${base}#s=${Buffer.from(JSON.stringify(doc)).toString('base64url')}&step=${step}`;
  const stepsOn = async p => Number((await p.locator('#clock').innerText()).match(/(?:step|步) (\d+)/)[1]);

  await test('a version-1 share link from the Foundation still loads, at its step', async () => {
    const v1 = JSON.parse(await readFile(join(here, '..', '..', 'core', 'tests', 'fixtures', 'default-v1.json'), 'utf8'));
    const other = await browser.newPage();
    watch(other);
    await other.goto(linkTo(v1, 40));
    await other.waitForSelector('svg.diagram .broker');
    await other.waitForFunction(() => /(step|步) 40\b/.test(document.querySelector('#clock')?.innerText ?? ''), null, { timeout: 10000 });
    assert.equal(await other.locator('#errors').count(), 0);
    assert.equal(await other.locator('svg.diagram .lane').count(), 3);
    await other.close();
  });

  await test('a link to step 18446744073709551615 is clamped: long work shows progress and stops when asked', async () => {
    const big = {
      version: 2, seed: 7, duration_ms: 600000,
      kafka: { brokers: 3, topics: [{ name: 'orders', partitions: 6 }], producers: [{ id: 'p1' }],
               consumers: [{ id: 'c1', group: 'g', topics: ['orders'], auto_offset_reset: 'earliest' }] },
      actions: [{ at_ms: 5000, kafka: { do: 'produce_many', producer: 'p1', topic: 'orders', count: 1000000, key_prefix: 'order', distinct_keys: 1000 } }],
    };
    const other = await browser.newPage();
    watch(other);
    await other.goto(linkTo(big, '18446744073709551615'));
    await other.waitForSelector('#job progress', { timeout: 10000 });
    await other.screenshot({ path: join(shots, 'job-progress-en.png') });
    // The page answers while it works: the language toggle still switches at once.
    await other.click('#lang-toggle');
    await other.waitForSelector('#btn-stop-job:has-text("停在这里")', { timeout: 2000 });
    await other.click('#lang-toggle');
    const before = await stepsOn(other);
    await other.click('#btn-stop-job');
    await other.waitForSelector('#job', { state: 'detached', timeout: 2000 });
    const stopped = await stepsOn(other);
    assert.ok(stopped >= before, `stopped at ${stopped}, saw ${before}`);
    await other.waitForTimeout(300);
    assert.equal(await stepsOn(other), stopped, 'nothing runs after Stop');
    // The default scenario with the same step runs to its end and says it is idle.
    await other.goto(linkTo(JSON.parse(await readFile(join(here, '..', '..', 'core', 'data', 'scenarios', 'default.json'), 'utf8')), '18446744073709551615'));
    await other.reload();
    await other.waitForSelector('#clock .finished', { timeout: 20000 });
    await other.close();
  });

  await test('a document listing its actions out of time order imports, seeks, takes a click, exports and shares', async () => {
    const doc = {
      version: 2, seed: 4, duration_ms: 60000,
      kafka: { brokers: 2, topics: [{ name: 'orders', partitions: 2 }], producers: [{ id: 'p' }],
               consumers: [{ id: 'c1', group: 'g', topics: ['orders'], auto_offset_reset: 'earliest' }] },
      // Valid in the order they run, not in the order listed.
      actions: [
        { at_ms: 9000, kafka: { do: 'remove_consumer', consumer: 'late' } },
        { at_ms: 8000, kafka: { do: 'add_partitions', topic: 'orders', count: 4 } },
        { at_ms: 7000, kafka: { do: 'add_partitions', topic: 'orders', count: 3 } },
        { at_ms: 6000, kafka: { do: 'add_consumer', consumer: { id: 'late', group: 'g', topics: ['orders'] } } },
        { at_ms: 5000, kafka: { do: 'produce', producer: 'p', topic: 'orders', key: 'early', value: 'v' } },
      ],
    };
    // Other tabs opened and closed before: make this one visible, or its timers are throttled.
    await page.bringToFront();
    await page.click('#btn-import');
    await page.fill('#import-text', JSON.stringify(doc));
    await page.click('#btn-import-load');
    await page.locator('svg.diagram .broker').first().waitFor();
    if (await page.locator('#errors').count()) assert.fail(await page.locator('#errors').innerText());
    // Step past the actions, then back: the seek lands.
    await page.locator('body').click({ position: { x: 5, y: 790 } });
    for (let i = 0; i < 200 && await page.locator('#event-log li', { hasText: 'late left' }).count() === 0; i++) {
      await page.keyboard.press('ArrowRight');
    }
    await page.locator('#event-log li', { hasText: 'late left' }).first().waitFor({ timeout: 5000 });
    const far = await stepsOn(page);
    await page.click('#btn-back');
    await page.waitForFunction(s => !document.querySelector('#clock').innerText.includes(` ${s}`), far);
    assert.ok((await stepsOn(page)) < far);
    // A click joins the scenario.
    await page.fill('#key-input', 'clicked');
    await page.click('#btn-produce');
    await page.locator('#event-log li', { hasText: 'clicked' }).first().waitFor();
    assert.equal(await page.locator('#errors').count(), 0);
    // Export, and the export imports again.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#btn-export')]);
    const exported = await readFile(await download.path(), 'utf8');
    assert.ok(JSON.parse(exported).actions.some(a => a.kafka?.key === 'clicked'));
    await page.click('#btn-import');
    await page.fill('#import-text', exported);
    await page.click('#btn-import-load');
    await page.locator('svg.diagram .broker').first().waitFor();
    assert.equal(await page.locator('#errors').count(), 0);
    // Share it.
    await page.click('#btn-share');
    const link = await page.locator('#share-link').inputValue();
    await page.click('#share-close');
    const other = await browser.newPage();
    watch(other);
    await other.goto(link);
    await other.waitForSelector('svg.diagram .broker');
    assert.equal(await other.locator('#errors').count(), 0);
    await other.close();
  });

  await test('no console errors, page errors or dialogs', async () => {
    assert.deepEqual(errors, []);
  });
} catch (e) {
  failed++; console.log(`not ok - setup: ${e.message}`);
} finally {
  if (browser) await browser.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
