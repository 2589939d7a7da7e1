/* global document */ // The callbacks passed to page.waitForFunction and evaluate run in the page.
// The showcase tested as a person would use it: build the page, serve it with `vite preview` on a
// loopback port, open it in the system's headless Chromium, click through it and check the numbers
// it shows against a float64 forward pass of the same models on the same images, in Node.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS } from '@kd/test-utils/chromium';
import { loadFashionSubset } from '../../demo/fashion-subset.mjs';
import { referenceModel } from './reference-mlp.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const artifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));
const models = (p) => fileURLToPath(new URL(`../public/models/${p}`, import.meta.url));

/** A port nothing listens on now, on the loopback interface. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// The reference: P(Shirt) of every test image from the uint8 student and the three teachers.
const { test } = loadFashionSubset();
const pixels = (i) => test.images.subarray(i * 784, (i + 1) * 784);
const student = referenceModel(models('student-uint8'));
const teachers = [1, 2, 3].map((i) => referenceModel(models(`teachers/teacher-${i}`)));
const ensemble = (px) => teachers.reduce((s, t) => s + t(px), 0) / teachers.length;
const reference = (() => {
  let s = 0;
  let e = 0;
  let agree = 0;
  for (let i = 0; i < test.count; i++) {
    const ps = student(pixels(i)) > 0.5 ? 1 : 0;
    const pe = ensemble(pixels(i)) > 0.5 ? 1 : 0;
    s += Number(ps === test.labels[i]);
    e += Number(pe === test.labels[i]);
    agree += Number(ps === pe);
  }
  return { student: s / test.count, ensemble: e / test.count, agreement: agree / test.count };
})();
// Float32 on the GPU path against float64 here: an image whose probability sits at 0.5 may flip.
const FLIPS = 3 / test.count;

let server;
let browser;
let page;
const origin = { href: '' };
const outside = [];
const errors = [];

async function value(id) {
  return Number(await page.getByTestId(id).getAttribute('data-value'));
}

/** Waits for a measurement (started by a click) to finish on `backend`, and returns what it shows. */
async function measured(backend, startedAfter) {
  await page.waitForFunction(
    ([b, n]) => {
      const info = document.querySelector('[data-testid="measure-info"]');
      return info?.textContent?.includes(b) && Number(info.dataset.run) > n;
    },
    [backend, startedAfter],
    { timeout: 90_000 },
  );
  const out = {};
  for (const id of [
    'acc-student',
    'acc-ensemble',
    'agreement',
    'lat-student',
    'lat-ensemble',
    'thr-student',
    'thr-ensemble',
  ])
    out[id] = await value(id);
  return out;
}
const runs = () =>
  page
    .getByTestId('measure-info')
    .getAttribute('data-run')
    .then((v) => Number(v ?? 0));

/**
 * Timings on a shared machine are noisy (a CI run trains other projects beside this page): where a
 * measurement does not show the student faster than the ensemble, measure again, at most twice,
 * and return the last. The scores themselves do not change between measurements.
 */
async function steadyTimings(backend, shown) {
  const ordered = (m) => m['lat-student'] < m['lat-ensemble'] && m['thr-student'] > m['thr-ensemble'];
  for (let again = 0; again < 2 && !ordered(shown); again++) {
    const before = await runs();
    await page.getByTestId('measure').click();
    shown = await measured(backend, before);
  }
  return shown;
}

function expectScores(shown) {
  expect(Math.abs(shown['acc-student'] - reference.student)).toBeLessThanOrEqual(FLIPS);
  expect(Math.abs(shown['acc-ensemble'] - reference.ensemble)).toBeLessThanOrEqual(FLIPS);
  expect(Math.abs(shown.agreement - reference.agreement)).toBeLessThanOrEqual(2 * FLIPS);
  for (const k of ['lat-student', 'lat-ensemble', 'thr-student', 'thr-ensemble']) expect(shown[k]).toBeGreaterThan(0);
  expect(shown['lat-student']).toBeLessThan(shown['lat-ensemble']);
  expect(shown['thr-student']).toBeGreaterThan(shown['thr-ensemble']);
}

describe('the browser showcase page', () => {
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    await build({ root, logLevel: 'warn' });
    const port = await freePort();
    server = await preview({
      root,
      logLevel: 'warn',
      preview: { host: '127.0.0.1', port, strictPort: true, open: false },
    });
    origin.href = `http://127.0.0.1:${port}/`;
    browser = await chromium.launch({
      executablePath: process.env.KD_CHROMIUM ?? '/usr/bin/chromium',
      args: [...CHROMIUM_FLAGS],
    });
    page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
    // Everything must come from the page's own server: no CDN.
    page.on(
      'request',
      (r) =>
        !r.url().startsWith(origin.href) &&
        !r.url().startsWith('blob:') &&
        !r.url().startsWith('data:') &&
        outside.push(r.url()),
    );
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(origin.href);
    await page.waitForFunction(() => document.body.dataset.ready, undefined, { timeout: 60_000 });
    if ((await page.evaluate(() => document.body.dataset.ready)) !== 'true')
      throw new Error(`The page did not start: ${await page.getByTestId('status').textContent()} ${errors.join('; ')}`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads the students and the ensemble from its own server and shows their sizes', async () => {
    expect(await page.evaluate(() => document.body.dataset.ready)).toBe('true');
    const rows = await page.locator('[data-testid="models"] tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        name: tr.dataset.model,
        bytes: Number(tr.children[2].dataset.bytes),
        gzip: Number(tr.children[3].dataset.gzip),
      })),
    );
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(Object.keys(byName)).toEqual(['student (float32)', 'student (uint8)', 'ensemble of 3']);
    expect(byName['student (uint8)'].bytes).toBeLessThan(byName['student (float32)'].bytes / 3);
    expect(byName['ensemble of 3'].gzip).toBeGreaterThan(20 * byName['student (uint8)'].gzip);
    expect(outside).toEqual([]);
  });

  it('classifies a clicked test image with the probabilities of the same models computed in Node', async () => {
    await page.getByTestId('cell-7').click();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="result-image"]').textContent.startsWith('test #7'),
    );
    expect(await value('result-student')).toBeCloseTo(student(pixels(7)), 3);
    expect(await value('result-ensemble')).toBeCloseTo(ensemble(pixels(7)), 3);
    expect(await value('result-agree')).toBe(Number(student(pixels(7)) > 0.5 === ensemble(pixels(7)) > 0.5));
  });

  it('classifies a drawing and streams through the test images', async () => {
    const box = await page.getByTestId('draw').boundingBox();
    await page.mouse.move(box.x + 30, box.y + 30);
    await page.mouse.down();
    for (const [x, y] of [
      [110, 30],
      [110, 120],
      [30, 120],
      [30, 30],
    ])
      await page.mouse.move(box.x + x, box.y + y, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="result-image"]').textContent === 'your drawing',
    );
    const p = await value('result-student');
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThanOrEqual(1);
    await page.getByTestId('stream').check();
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="stream-rate"]').dataset.value) > 0,
      undefined,
      { timeout: 20_000 },
    );
    await page.getByTestId('stream').uncheck();
  });

  it('measures speed, accuracy and agreement on the whole test set on webgl', async () => {
    const before = await runs();
    await page.getByTestId('measure').click();
    const shown = await steadyTimings('webgl', await measured('webgl', before));
    expectScores(shown);
    writeFileSync(`${artifacts}numbers-webgl.json`, `${JSON.stringify({ shown, reference }, null, 2)}\n`);
    await page.screenshot({ path: `${artifacts}page-webgl.png`, fullPage: true });
  });

  it('distils a new student in a worker, keeps the old one when stopped, and measures the new one', async () => {
    await page.getByTestId('epochs').fill('4');
    // Stopped mid-way: the loaded student stays.
    await page.getByTestId('distil-start').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="distil-progress"]').value > 0, undefined, {
      timeout: 60_000,
    });
    await page.getByTestId('distil-stop').click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="distil-status"]').dataset.outcome === 'stopped',
      undefined,
      { timeout: 30_000 },
    );
    expect(await page.getByTestId('student-name').textContent()).toBe('student (uint8)');
    // Run to the end: the new student is swapped in and measured.
    const before = await runs();
    await page.getByTestId('distil-start').click();
    // The page keeps answering while the worker trains.
    await page.waitForFunction(() => document.querySelector('[data-testid="distil-progress"]').value > 0.2, undefined, {
      timeout: 60_000,
    });
    const t0 = Date.now();
    await page.getByTestId('cell-3').click();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="result-image"]').textContent.startsWith('test #3'),
    );
    expect(Date.now() - t0).toBeLessThan(5_000);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="distil-status"]').dataset.outcome === 'done',
      undefined,
      { timeout: 90_000 },
    );
    expect(await page.getByTestId('distil-status').textContent()).toContain('IndexedDB');
    const shown = await measured('webgl', before);
    expect(await page.getByTestId('student-name').textContent()).toBe('student (distilled here)');
    expect(await page.getByTestId('distil-progress').evaluate((p) => p.value)).toBe(1);
    // Four epochs from fresh weights: far better than chance, and close to the ensemble.
    expect(shown['acc-student']).toBeGreaterThan(0.75);
    expect(shown.agreement).toBeGreaterThan(0.8);
    expect(shown['lat-student']).toBeLessThan(shown['lat-ensemble']);
    await page.screenshot({ path: `${artifacts}page-distilled.png`, fullPage: true });
  });

  it('switches to wasm and back, measuring again on each', async () => {
    // Back to the exported uint8 student (picking it measures it again).
    let before = await runs();
    await page.getByRole('radio', { name: 'uint8' }).check();
    await measured('webgl', before);
    expect(await page.getByTestId('student-name').textContent()).toBe('student (uint8)');
    const tensors = async () => Number(await page.getByTestId('measure-info').getAttribute('data-tensors'));
    const tensorsBefore = await tensors();
    before = await runs();
    await page.getByTestId('backend-wasm').click();
    const wasm = await steadyTimings('wasm', await measured('wasm', before));
    expect(await page.getByTestId('backend').textContent()).toBe('wasm');
    expectScores(wasm);
    writeFileSync(`${artifacts}numbers-wasm.json`, `${JSON.stringify({ shown: wasm, reference }, null, 2)}\n`);
    await page.screenshot({ path: `${artifacts}page-wasm.png`, fullPage: true });
    before = await runs();
    await page.getByTestId('backend-webgl').click();
    await measured('webgl', before);
    expect(await page.getByTestId('backend').textContent()).toBe('webgl');
    // Two measurements and a round trip through wasm later, the same tensors are alive.
    expect(await tensors()).toBe(tensorsBefore);
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
  });
});
