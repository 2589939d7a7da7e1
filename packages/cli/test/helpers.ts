import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
