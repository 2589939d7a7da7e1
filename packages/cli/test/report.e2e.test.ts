// The whole path a user takes, as spawned `kd` processes on a CSV made here: teachers from
// `kd train-teacher`, `kd distill` writing every output, `kd export --quantize` updating the run,
// and the run's report.html opened in headless Chromium with the network cut off.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { HistoryRow, RunMetrics } from '@kd/report';
import { CHROMIUM_FLAGS } from '@kd/test-utils/chromium';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { kd, tempDir } from './helpers.js';

// Screenshots are kept for people to look at (gitignored).
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

/**
 * Rows no other test uses: a customer churns when a noisy score of tenure, complaints and plan
 * price passes a threshold; one column is pure noise. Seeded, so every run sees the same file.
 */
function writeChurnCsv(path: string, rows: number): void {
  let s = 20261202;
  const random = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const lines = ['tenure_months,complaints,plan_price,noise,churned'];
  for (let i = 0; i < rows; i++) {
    const tenure = Math.floor(random() * 72);
    const complaints = Math.floor(random() * 6);
    const price = 10 + random() * 90;
    const score = -tenure / 24 + complaints * 0.7 + price / 40 - 1 + (random() - 0.5) * 1.2;
    lines.push(`${tenure},${complaints},${price.toFixed(2)},${random().toFixed(4)},${score > 0 ? 1 : 0}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

describe('kd train-teacher → kd distill → kd export, and the report in Chromium', () => {
  it('writes every output and a report whose charts all draw offline', async () => {
    const dir = tempDir('report');
    writeChurnCsv(join(dir, 'churn.csv'), 400);
    const data = ['--data', 'churn.csv', '--label', 'churned', '--standardize', '--runtime', 'cpu'];
    const teachers = await kd(
      ['train-teacher', ...data, '--model', 'mlp:16', '--ensemble', '2', '--epochs', '30', '--out', 'teachers'],
      { cwd: dir },
    );
    expect(teachers.code, teachers.stderr).toBe(0);

    const run = await kd(
      [
        'distill',
        ...data,
        '--teacher',
        'teachers',
        '--student',
        'mlp:4',
        '--search-alpha',
        '0,0.5,1',
        '--seeds',
        '2',
        '--epochs',
        '15',
        '--out',
        'run',
      ],
      { cwd: dir },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('report:  run/report.html');
    for (const f of [
      'student/model.json',
      'student/preprocessing.json',
      'metrics.json',
      'history.jsonl',
      'report.html',
    ])
      expect(existsSync(join(dir, 'run', f)), f).toBe(true);
    const metrics = JSON.parse(readFileSync(join(dir, 'run', 'metrics.json'), 'utf8')) as RunMetrics;
    expect(metrics.models.map((m) => m.role)).toEqual(['teacher', 'teacher', 'ensemble', 'distilled', 'scratch']);
    expect(metrics.search?.rows.length).toBe(3);
    const history = readFileSync(join(dir, 'run', 'history.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as HistoryRow);
    // Two seeds of the distilled and the scratch student, 15 epochs each.
    expect(history.length).toBe(60);

    const before = readFileSync(join(dir, 'run', 'report.html'), 'utf8');
    const exported = await kd(['export', '--model', 'run/student', '--out', 'web', '--quantize', 'uint8'], {
      cwd: dir,
    });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('report drawn again');
    const quantized = JSON.parse(readFileSync(join(dir, 'run', 'metrics.json'), 'utf8')) as RunMetrics;
    expect(quantized.quantization?.dtype).toBe('uint8');
    expect(statSync(join(dir, 'web', 'weights.bin')).size).toBeLessThanOrEqual(
      statSync(join(dir, 'run', 'student', 'weights.bin')).size / 3,
    );
    const after = readFileSync(join(dir, 'run', 'report.html'), 'utf8');
    expect(after).not.toBe(before);

    mkdirSync(ARTIFACTS, { recursive: true });
    const browser = await chromium.launch({
      executablePath: process.env.KD_CHROMIUM ?? '/usr/bin/chromium',
      args: [...CHROMIUM_FLAGS],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
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
      await page.goto(pathToFileURL(join(dir, 'run', 'report.html')).href);
      await page.waitForSelector('body[data-report]', { timeout: 20_000 });
      // The viewport as tall as the page, so the screenshot does not resize the charts mid-capture.
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.setViewportSize({ width: 1100, height });
      await page.evaluate(
        () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))),
      );
      await page.screenshot({ path: join(ARTIFACTS, 'report.png') });

      expect(await page.getAttribute('body', 'data-report')).toBe('ready');
      expect(errors).toEqual([]);
      expect(blocked).toEqual([]);
      const drawn = await page.evaluate(() => {
        const Chart = (
          window as unknown as {
            Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: Array<{ data: unknown[] }> } } | undefined };
          }
        ).Chart;
        return Array.from(document.querySelectorAll('canvas'))
          .filter((c) => c.offsetParent !== null)
          .map((c) => {
            const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
            let coloured = 0; // data is drawn in saturated colours; axes, grid and text are grey
            for (let i = 0; i < data.length; i += 4)
              if (
                data[i + 3]! > 100 &&
                Math.max(data[i]!, data[i + 1]!, data[i + 2]!) - Math.min(data[i]!, data[i + 1]!, data[i + 2]!) > 60
              )
                coloured++;
            const points = Chart.getChart(c)?.data.datasets.reduce((n, d) => n + d.data.length, 0) ?? 0;
            return { id: c.id, coloured, points };
          });
      });
      const ids = drawn.map((c) => c.id);
      for (const id of ['chart-loss', 'chart-search', 'chart-roc', 'chart-reliability', 'chart-size', 'chart-latency'])
        expect(ids).toContain(id);
      for (const c of drawn) {
        expect(c.points, c.id).toBeGreaterThan(0);
        expect(c.coloured, c.id).toBeGreaterThan(300);
      }
      // Two teachers, the ensemble, both students; and the export's quantisation, shown.
      expect(await page.locator('#models-table tbody tr').count()).toBe(5);
      expect(await page.locator('#quantization-section').isVisible()).toBe(true);
      expect(await page.title()).toBe('kd report: churn.csv');
    } finally {
      await browser.close();
    }
  });
});
