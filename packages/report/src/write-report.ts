import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KdError } from '@kd/core';
import { renderReport, type RenderReportOptions } from './render-report.js';
import type { HistoryRow, RunMetrics } from './types.js';

async function readRunFile(dir: string, name: string): Promise<string> {
  try {
    return await readFile(join(dir, name), 'utf8');
  } catch (cause) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `Cannot read ${join(dir, name)} (${(cause as NodeJS.ErrnoException).code ?? String(cause)}). ` +
        'writeReport needs the folder a kd run wrote, with metrics.json and history.jsonl in it.',
      { dir, file: name },
      { cause },
    );
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new KdError(
      'KD_DATA_INVALID',
      `${where} is not valid JSON (${(cause as Error).message}). Rerun kd to write it again.`,
      { where },
      { cause },
    );
  }
}

/**
 * Reads `dir/metrics.json` and `dir/history.jsonl` and writes `dir/report.html` (see
 * {@link renderReport}). The file is written to a temporary name and renamed, so a reader never
 * sees half a report and an old report stays whole if writing fails. Returns the report's path.
 *
 * @example
 * ```ts
 * import { writeReport } from '@kd/report/node';
 * const path = await writeReport('runs/fashion');
 * ```
 */
export async function writeReport(dir: string, options: RenderReportOptions = {}): Promise<string> {
  const metricsPath = join(dir, 'metrics.json');
  const historyPath = join(dir, 'history.jsonl');
  const metrics = parseJson(await readRunFile(dir, 'metrics.json'), metricsPath) as RunMetrics;
  const history = (await readRunFile(dir, 'history.jsonl'))
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line !== '')
    .map(([line, n]) => parseJson(line, `${historyPath} line ${n}`) as HistoryRow);
  const html = renderReport({ metrics, history }, options);

  const target = join(dir, 'report.html');
  const temp = join(dir, `.report.html.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(html, 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return target;
}
