import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { parseArgs, UsageError } from '../../src/cli/parse-args.js';
import { formatTable } from '../../src/cli/format-table.js';
import type { ConformanceRow } from '../../src/run/types.js';

const student = (name: string) => fileURLToPath(new URL(`./students/${name}`, import.meta.url));

function captured(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
}

describe('parseArgs', () => {
  it('reads every option, in both --flag value and --flag=value forms', () => {
    expect(
      parseArgs(['--student', 's.mjs', '--runtimes=cpu,wasm', '--steps', '7', '--json', '--student-only']),
    ).toEqual({
      student: 's.mjs',
      runtimes: ['cpu', 'wasm'],
      steps: 7,
      json: true,
      studentOnly: true,
      help: false,
    });
  });

  it('rejects unknown flags, missing values and bad step counts', () => {
    expect(() => parseArgs(['--bogus'])).toThrow(UsageError);
    expect(() => parseArgs(['--student'])).toThrow(/needs a value/);
    expect(() => parseArgs(['--steps', '1'])).toThrow(/whole number ≥ 2/);
    expect(() => parseArgs(['--student-only'])).toThrow(/needs --student/);
  });
});

describe('formatTable', () => {
  it('prints one aligned line per row with the measured differences', () => {
    const rows: ConformanceRow[] = [
      { runtime: 'cpu', check: 'starts', status: 'pass', detail: 'backend cpu' },
      {
        runtime: 'wasm',
        check: 'student trains like cpu',
        status: 'fail',
        maxAbsDiff: 0.00123,
        maxRelDiff: 0.5,
        tolerance: { rtol: 1e-4, atol: 1e-5 },
        detail: 'x',
      },
    ];
    const lines = formatTable(rows).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^runtime\s+check\s+result\s+max \|Δ\|\s+max rel\s+tolerance\s+detail$/);
    expect(lines[3]).toMatch(
      /^wasm\s+student trains like cpu\s+FAIL\s+1\.23e-3\s+5\.00e-1\s+rtol 0\.0001, atol 0\.00001\s+x$/,
    );
    expect(lines[2]!.indexOf('PASS')).toBe(lines[3]!.indexOf('FAIL'));
  });
});

describe('kd-conformance main()', () => {
  it('prints the usage for --help and exits 0; a usage error exits 2', async () => {
    const io = captured();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout.join('')).toMatch(/Usage: kd-conformance/);
    const bad = captured();
    expect(await main(['--nope'], bad)).toBe(2);
    expect(bad.stderr.join('')).toMatch(/Unknown argument --nope/);
  });

  it('exits 2 when the student module exports no createStudent', async () => {
    const io = captured();
    expect(await main(['--student', student('no-factory.mjs'), '--runtimes', 'cpu'], io)).toBe(2);
    expect(io.stderr.join('')).toMatch(/does not export createStudent/);
  });

  it('checks a layers student on cpu: builds, trains reproducibly, reloads identically (JSON output, exit 0)', async () => {
    const io = captured();
    const code = await main(
      ['--student', student('dense-layers.mjs'), '--runtimes', 'cpu', '--steps', '4', '--student-only', '--json'],
      io,
    );
    const report = JSON.parse(io.stdout.join('')) as { ok: boolean; rows: ConformanceRow[] };
    expect(report.rows.map((r) => [r.check, r.status])).toEqual([
      ['starts', 'pass'],
      ['student builds', 'pass'],
      ['student trains like cpu', 'pass'],
      ['student export → reload', 'pass'],
    ]);
    expect(report.rows[1]!.detail).toBe('input [5], 1 output unit');
    expect(report.rows[3]!.maxAbsDiff).toBe(0);
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
  });

  it('fails (exit 1) a student whose outputs do not match its declared classes', async () => {
    const io = captured();
    const code = await main(['--student', student('wrong-classes.mjs'), '--runtimes', 'cpu', '--student-only'], io);
    expect(code).toBe(1);
    const table = io.stdout.join('');
    expect(table).toMatch(/student builds\s+FAIL.*classes = 4 but the student has 3 output units/);
    expect(table).toMatch(/^FAIL: 1 passed, 1 failed/m);
  });

  it("runs kd's own checks on cpu: loss fixtures and both reference trainings pass with measured differences", async () => {
    const io = captured();
    const code = await main(['--runtimes', 'cpu', '--json'], io);
    const report = JSON.parse(io.stdout.join('')) as { ok: boolean; rows: ConformanceRow[] };
    expect(report.rows.map((r) => r.check)).toEqual([
      'starts',
      'loss values and gradients',
      'reference training: mlp student',
      'reference training: conv student',
    ]);
    for (const row of report.rows.slice(1)) {
      expect(row.status, row.detail).toBe('pass');
      expect(row.maxRelDiff).toBeLessThanOrEqual(row.tolerance!.rtol + 1e-3);
    }
    expect(code).toBe(0);
  });
});
