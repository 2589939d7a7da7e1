import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { HistoryRow } from '@kd/report';
import { expect } from 'vitest';

/** The built `kd` executable (the test target builds the package first). */
export const KD_BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export interface KdRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `kd` as a separate process, as a user would, and collects its output. */
export function kd(
  args: string[],
  options: { cwd: string; onStart?: (child: ReturnType<typeof spawn>) => void },
): Promise<KdRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KD_BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, KD_DEBUG: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    options.onStart?.(child);
  });
}

/** A fresh temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `kd-cli-${prefix}-`));
}

/**
 * Writes a CSV the package does not ship: two classes whose boundary is a curve in (x1, x2), plus
 * a noise column and a feature on another scale (so standardisation matters). Seeded, so every
 * test run sees the same rows.
 */
export function writeCurveCsv(path: string, rows: number, seed = 7): void {
  let s = seed;
  const random = () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
  const lines = ['x1,x2,noise,income,label'];
  for (let i = 0; i < rows; i++) {
    const x1 = random() * 4 - 2;
    const x2 = random() * 4 - 2;
    const income = 30000 + 20000 * random() + (x1 > 0 ? 5000 : 0);
    const label = x2 > Math.sin(1.5 * x1) + (random() - 0.5) * 0.6 ? 1 : 0;
    lines.push(`${x1.toFixed(4)},${x2.toFixed(4)},${random().toFixed(4)},${income.toFixed(0)},${label}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

/** Lines a process printed to stderr, without blank ones. */
export function errorLines(run: KdRun): string[] {
  return run.stderr.split('\n').filter((l) => l.trim() !== '');
}

/** Bad usage or input: exit 2, one `kd:` line on stderr matching `pattern`, no stack trace, nothing on stdout. */
export function expectOneLine(run: KdRun, pattern: RegExp): void {
  const lines = errorLines(run);
  expect(run.code, run.stderr).toBe(2);
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^kd: /);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stdout).toBe('');
}

/** The lines of a run's history.jsonl. */
export function readHistory(file: string): HistoryRow[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as HistoryRow);
}

/** A minimal RGB PNG (8-bit, no filter), written with zlib so the test needs no image library. */
export function png(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc(height * (1 + 3 * width));
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), y * (1 + 3 * width) + 1 + 3 * x);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
