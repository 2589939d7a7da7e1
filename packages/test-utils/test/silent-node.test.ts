import { describe, expect, it } from 'vitest';
import { expectSilentNodeScript } from '../src/silent-node.js';

const here = new URL('..', import.meta.url);

describe('expectSilentNodeScript', () => {
  it('passes a script that exits 0 writing nothing, its imports resolved from cwd', () => {
    expectSilentNodeScript(
      `await import('vitest/package.json', { with: { type: 'json' } }); process.exitCode = 0;`,
      here,
    );
  });

  it('fails on a line to stdout, a line to stderr and a non-zero exit', () => {
    expect(() => expectSilentNodeScript(`console.log('hello');`, here)).toThrow(/hello/);
    expect(() => expectSilentNodeScript(`console.warn('careful');`, here)).toThrow(/careful/);
    expect(() => expectSilentNodeScript(`process.exit(3);`, here)).toThrow(/3/);
    expect(() => expectSilentNodeScript(`await import('no-such-package-anywhere');`, here)).toThrow(
      /no-such-package-anywhere/,
    );
  });
});
