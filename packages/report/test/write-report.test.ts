import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeReport } from '../src/node.js';
import { FIXTURE_DIR } from './fixture-run.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kd-report-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function copyFixture(): Promise<void> {
  await copyFile(join(FIXTURE_DIR, 'metrics.json'), join(dir, 'metrics.json'));
  await copyFile(join(FIXTURE_DIR, 'history.jsonl'), join(dir, 'history.jsonl'));
}

describe('writeReport', () => {
  it('writes report.html beside the run files, replacing an old one and leaving no temporary file', async () => {
    await copyFixture();
    await writeFile(join(dir, 'report.html'), 'old report');
    const path = await writeReport(dir);
    expect(path).toBe(join(dir, 'report.html'));
    const html = await readFile(path, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('student, distilled');
    expect((await readdir(dir)).sort()).toEqual(['history.jsonl', 'metrics.json', 'report.html']);
  });

  it('names the missing file when the folder is not a run', async () => {
    await copyFile(join(FIXTURE_DIR, 'metrics.json'), join(dir, 'metrics.json'));
    await expect(writeReport(dir)).rejects.toMatchObject({
      code: 'KD_INVALID_ARGUMENT',
      message: expect.stringContaining('history.jsonl'),
    });
  });

  it('names the line of a malformed history.jsonl and keeps the old report whole', async () => {
    await copyFixture();
    await writeFile(join(dir, 'report.html'), 'old report');
    const lines = (await readFile(join(dir, 'history.jsonl'), 'utf8')).split('\n');
    lines[3] = '{"model": "distilled", "epoch": 3,';
    await writeFile(join(dir, 'history.jsonl'), lines.join('\n'));
    await expect(writeReport(dir)).rejects.toMatchObject({
      code: 'KD_DATA_INVALID',
      message: expect.stringContaining('history.jsonl line 4'),
    });
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toBe('old report');
    expect((await readdir(dir)).sort()).toEqual(['history.jsonl', 'metrics.json', 'report.html']);
  });

  it('rejects a metrics.json that is not JSON', async () => {
    await copyFixture();
    await writeFile(join(dir, 'metrics.json'), '{ "kd": ');
    await expect(writeReport(dir)).rejects.toMatchObject({
      code: 'KD_DATA_INVALID',
      message: expect.stringContaining('metrics.json'),
    });
  });
});
