// Runs the ```ts examples of docs/conformance.md, with the runner core's doc tests use.
import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { KdRuntime } from '@kd/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StudentModule } from '../../src/index.js';
import type { ConformanceSuiteOptions } from '../../src/suite/index.js';
import { readTsBlocks, runDocBlock } from '@kd/test-utils/doc-blocks';

const blocks = readTsBlocks(new URL('../../../../docs/conformance.md', import.meta.url));
const [suiteFile, ownRuntime, fromCode] = blocks;
const exampleStudent = new URL('../../../../examples/custom-student/my-student.mjs', import.meta.url);

describe('docs/conformance.md', () => {
  const exitCode = process.exitCode;
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterEach(() => {
    process.exitCode = exitCode;
  });

  it('has its three examples', () => {
    expect(blocks).toHaveLength(3);
  });

  it(`block at line ${ownRuntime!.line} is the external project's test file, and its runtime starts on cpu`, async () => {
    // The external project runs this file through the published @kd/conformance/vitest entry.
    const testFile = readFileSync(new URL('../external/my-runtime.test.ts', import.meta.url), 'utf8');
    expect(ownRuntime!.code.trim()).toBe(testFile.trim());

    const defined: ConformanceSuiteOptions[] = [];
    const entry = { defineConformanceSuite: (options: ConformanceSuiteOptions) => void defined.push(options) };
    await runDocBlock(ownRuntime!, { '@kd/conformance/vitest': entry });
    expect(defined.map((o) => o.name)).toEqual(['my-runtime']);
    const runtime: KdRuntime = await defined[0]!.createRuntime();
    expect(await runtime.init()).toEqual({ backend: 'cpu', floatPrecision: 32 });
  });

  it(`block at line ${suiteFile!.line} is the wasm-node project's test file, and its call makes a wasm runtime`, async () => {
    // The page shows test/wasm-node.test.ts; the wasm-node project runs the suite it defines.
    const testFile = readFileSync(new URL('../wasm-node.test.ts', import.meta.url), 'utf8');
    expect(suiteFile!.code.trim()).toBe(testFile.trim());

    const defined: ConformanceSuiteOptions[] = [];
    const suite = { defineConformanceSuite: (options: ConformanceSuiteOptions) => void defined.push(options) };
    await runDocBlock(suiteFile!, { '../src/suite/index.js': suite });
    expect(defined.map((o) => o.name)).toEqual(['wasm-node']);
    const runtime: KdRuntime = await defined[0]!.createRuntime();
    expect((await runtime.init()).backend).toBe('wasm');
  });

  it(`block at line ${fromCode!.line} checks cpu and wasm with the example student, and every check passes`, async () => {
    const result = await runDocBlock(fromCode!, {
      '@kd/conformance': await import('../../src/index.js'),
      // The student of examples/custom-student, which the page points to.
      './my-student.mjs': (await import(/* @vite-ignore */ exampleStudent.href)) as StudentModule,
    });
    // One table: a header, a rule, and seven passing checks per runtime (kd's own four, the student's three).
    expect(result.output).toHaveLength(1);
    const rows = result.output[0]!.split('\n').slice(2);
    const checks = [
      'starts',
      'loss values and gradients',
      'reference training: mlp student',
      'reference training: conv student',
      'student builds',
      'student trains like cpu',
      'student export → reload',
    ];
    expect(rows.map((r) => r.split(/\s{2,}/).slice(0, 3))).toEqual(
      ['cpu', 'wasm'].flatMap((runtime) => checks.map((check) => [runtime, check, 'PASS'])),
    );
    expect(process.exitCode).toBe(exitCode);
    expect(result.tensorsLeft).toBe(0);
  });
});
