import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const FILES = ['losses.json', 'schedules.json', 'ensembles.json'];

/**
 * Paths where two parsed JSON values differ. Numbers may differ by 1e-12 relative: another
 * platform's libm may round exp/log one ulp differently, which is no reason to fail.
 */
function differences(a: unknown, b: unknown, path = '$'): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)) ? [] : [`${path}: ${a} ≠ ${b}`];
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: length ${a.length} ≠ ${b.length}`];
    return a.flatMap((v, i) => differences(v, b[i], `${path}[${i}]`));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) =>
      differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`),
    );
  }
  return Object.is(a, b) ? [] : [`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
}

describe('fixtures/generate.py', () => {
  it('reproduces the committed fixtures (python3 is required; set PYTHON to use another interpreter)', () => {
    const out = mkdtempSync(join(tmpdir(), 'kd-fixtures-'));
    try {
      execFileSync(process.env.PYTHON ?? 'python3', [join(FIXTURES, 'generate.py'), out], { stdio: 'pipe' });
      for (const file of FILES) {
        const fresh = JSON.parse(readFileSync(join(out, file), 'utf8')) as unknown;
        const committed = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as unknown;
        const diff = differences(committed, fresh);
        expect(
          diff.slice(0, 10),
          `${file} differs from a fresh run of generate.py; run python3 fixtures/generate.py and commit the result`,
        ).toEqual([]);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('differences() notices a changed number, a changed string and a missing key', () => {
    expect(differences({ a: [1, 2] }, { a: [1, 2 + 1e-9] })).toHaveLength(1);
    expect(differences({ a: [1, 2] }, { a: [1, 2 + 1e-15] })).toEqual([]);
    expect(differences({ s: 'x' }, { s: 'y' })).toHaveLength(1);
    expect(differences({ a: 1 }, { a: 1, b: 2 })).toHaveLength(1);
  });
});
