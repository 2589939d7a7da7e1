// The report as a reader sees it: the file opened in headless Chromium with the network cut off.
import { existsSync, mkdirSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CHROMIUM_FLAGS } from '@kd/test-utils/chromium';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../src/index.js';
import { writeReport } from '../src/node.js';
import { FIXTURE_DIR, HOSTILE, hostileRun } from './fixture-run.js';

// Screenshots are kept for people to look at (gitignored).
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

interface CanvasReport {
  id: string;
  width: number;
  height: number;
  /** Pixels in a saturated colour: the data drawn (axes, grid and text are grey). */
  colouredPixels: number;
  datasets: number;
  points: number;
}

let browser: Browser;
let dir: string;
beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = await mkdtemp(join(tmpdir(), 'kd-report-page-'));
  browser = await chromium.launch({
    executablePath: process.env.KD_CHROMIUM ?? '/usr/bin/chromium',
    args: [...CHROMIUM_FLAGS],
  });
});
afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  blocked: string[];
  errors: string[];
}

/** Opens a report file with every request that is not the file itself aborted. */
async function open(file: string): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const blocked: string[] = [];
  const errors: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-report]', { timeout: 20_000 });
  return { page, blocked, errors };
}

/**
 * Makes the viewport as tall as the page, and waits for the charts to redraw at that size: a
 * full-page screenshot would otherwise resize the page mid-capture and catch charts redrawing.
 */
async function showWholePage(page: Page): Promise<void> {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1280, height });
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 50)))),
  );
}

function canvases(page: Page): Promise<CanvasReport[]> {
  return page.evaluate(() => {
    const Chart = (
      window as unknown as {
        Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: Array<{ data: unknown[] }> } } | undefined };
      }
    ).Chart;
    return Array.from(document.querySelectorAll('canvas'))
      .filter((c) => c.offsetParent !== null)
      .map((c) => {
        const ctx = c.getContext('2d')!;
        const { data } = ctx.getImageData(0, 0, c.width, c.height);
        let coloured = 0;
        for (let i = 0; i < data.length; i += 4) {
          const r = data[i]!,
            g = data[i + 1]!,
            b = data[i + 2]!,
            a = data[i + 3]!;
          if (a > 100 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
        }
        const chart = Chart.getChart(c);
        return {
          id: c.id,
          width: c.width,
          height: c.height,
          colouredPixels: coloured,
          datasets: chart?.data.datasets.length ?? 0,
          points: chart?.data.datasets.reduce((n, d) => n + d.data.length, 0) ?? 0,
        };
      });
  });
}

describe('report.html in headless Chromium, offline', () => {
  it('draws every chart of the fixture run with no network request and no console error', async () => {
    await copyFile(join(FIXTURE_DIR, 'metrics.json'), join(dir, 'metrics.json'));
    await copyFile(join(FIXTURE_DIR, 'history.jsonl'), join(dir, 'history.jsonl'));
    const { page, blocked, errors } = await open(await writeReport(dir));
    await showWholePage(page);
    await page.screenshot({ path: join(ARTIFACTS, 'report.png') });

    expect(await page.getAttribute('body', 'data-report')).toBe('ready');
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);

    const drawn = await canvases(page);
    expect(drawn.map((c) => c.id).sort()).toEqual(
      [
        'chart-latency',
        'chart-loss',
        'chart-quality',
        'chart-reliability',
        'chart-roc',
        'chart-search',
        'chart-size',
        'chart-val-0',
        'chart-val-1',
        'chart-val-2',
      ].sort(),
    );
    for (const c of drawn) {
      expect(c.width, c.id).toBeGreaterThan(200);
      expect(c.points, c.id).toBeGreaterThan(0);
      expect(c.colouredPixels, c.id).toBeGreaterThan(300);
    }
    const byId = Object.fromEntries(drawn.map((c) => [c.id, c]));
    // distilled total/hard/soft + scratch total; 6 models' ROC + chance; two temperatures' band, mean and the chosen point.
    expect(byId['chart-loss']!.datasets).toBe(4);
    expect(byId['chart-roc']!.datasets).toBe(7);
    expect(byId['chart-search']!.datasets).toBe(7);

    expect(await page.locator('#models-table tbody tr').count()).toBe(6);
    expect(await page.locator('#summary').innerText()).toContain('65%');
    // The soft-target diagnostics beside the gap-closed cards, and the dead run of the search.
    const soft = await page.locator('#soft-targets-card').innerText();
    expect(soft).toContain('0.183');
    expect(soft).toContain('63% of 1,800 training rows soft');
    expect(soft).toContain('out-of-fold');
    expect(await page.locator('#soft-targets-card').getAttribute('class')).toBe('card');
    expect(await page.locator('#settings-table').innerText()).toContain('fold model (of 5)');
    // The transfer set: in the settings and a summary card, with the scratch student's rows.
    const settingsText = await page.locator('#settings-table').innerText();
    expect(settingsText).toContain('munge × 10, seed 0: 30,000 rows generated from the training rows');
    expect(settingsText).toMatch(/rows without labels \(--unlabeled\)\s+—/);
    expect(settingsText).toContain('trained on the labelled rows only');
    const extra = await page.locator('#extra-rows-card').innerText();
    expect(extra).toContain('30,000');
    expect(extra).toContain('30,000 by munge × 10 · labelled by the teachers, next to 3,000 labelled rows');
    const searchNote = await page.locator('#search-note').textContent();
    expect(searchNote).toContain('1 dead run');
    expect(searchNote).toContain('α 1, T 4, seed 2 (constant-predictions)');
    expect(await page.title()).toBe('kd report: income.csv');
    await page.context().close();
  });

  it('shows hostile names as text, and a run without α search with quantization', async () => {
    const file = join(dir, 'hostile.html');
    await writeFile(file, renderReport(hostileRun()));
    const { page, blocked, errors } = await open(file);
    await showWholePage(page);
    await page.screenshot({ path: join(ARTIFACTS, 'report-no-search.png') });
    expect(await page.getAttribute('body', 'data-report')).toBe('ready');
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);

    expect(await page.evaluate(() => (window as unknown as { __kdInjected?: number }).__kdInjected)).toBeUndefined();
    expect(await page.locator('main img, main b').count()).toBe(0);
    expect(await page.locator('#models-table tbody tr').first().locator('td').first().textContent()).toBe(
      HOSTILE.teacher,
    );
    expect(await page.locator('#command').textContent()).toBe(HOSTILE.command);
    expect(await page.locator('#subtitle').textContent()).toContain(HOSTILE.file);

    expect(await page.locator('#search-figure').isHidden()).toBe(true);
    expect(await page.locator('#search-note').textContent()).toContain('was given');
    expect(await page.locator('#quantization-section').isVisible()).toBe(true);
    expect(await page.locator('#summary').innerText()).toContain('n/a');
    // Soft targets that are nearly the labels are flagged, with what to try.
    expect(await page.locator('#soft-targets-card').getAttribute('class')).toBe('card warn');
    expect(await page.locator('#soft-targets-card').innerText()).toContain('kd train-teacher --folds');
    expect(await page.locator('#settings-table').innerText()).toContain("in-fold: the teachers' own outputs");
    // Unlabelled rows read from a file (its hostile name shown as text), no transfer set.
    const settingsText = await page.locator('#settings-table').innerText();
    expect(settingsText).toContain(`500 rows of ${HOSTILE.file}, labelled by the teachers`);
    expect(settingsText).toMatch(/transfer set \(--transfer\)\s+—/);
    expect(await page.locator('#extra-rows-card').innerText()).toContain(`500 from ${HOSTILE.file}`);
    const drawn = await canvases(page);
    expect(drawn.map((c) => c.id)).not.toContain('chart-search');
    for (const c of drawn) expect(c.colouredPixels, c.id).toBeGreaterThan(300);
    await page.context().close();
  });

  it('draws the same charts from the built package, ESM and CommonJS (the page code ships as source text)', async () => {
    // The package's test script builds first; the bundler's output of the page code is what users run.
    const dist = fileURLToPath(new URL('../dist/', import.meta.url));
    expect(existsSync(`${dist}node.js`), 'run the build first (npm test does)').toBe(true);
    type Render = (input: ReturnType<typeof hostileRun>) => string;
    const esm = ((await import(/* @vite-ignore */ pathToFileURL(`${dist}index.js`).href)) as { renderReport: Render })
      .renderReport;
    const cjs = (createRequire(import.meta.url)(`${dist}index.cjs`) as { renderReport: Render }).renderReport;
    for (const [name, render] of [
      ['esm', esm],
      ['cjs', cjs],
    ] as const) {
      const file = join(dir, `built-${name}.html`);
      await writeFile(file, render(hostileRun()));
      const { page, blocked, errors } = await open(file);
      expect(await page.getAttribute('body', 'data-report'), name).toBe('ready');
      expect(errors, name).toEqual([]);
      expect(blocked, name).toEqual([]);
      const drawn = await canvases(page);
      expect(drawn.length, name).toBe(9);
      for (const c of drawn) expect(c.colouredPixels, `${name} ${c.id}`).toBeGreaterThan(300);
      await page.context().close();
    }
  });
});
