// Runs the ```ts examples of docs/runtimes/wasm.md as written, with the runner core's doc tests use.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTsBlocks, runDocBlock } from '@kd/test-utils/doc-blocks';

const blocks = readTsBlocks(new URL('../../../../docs/runtimes/wasm.md', import.meta.url));

describe('docs/runtimes/wasm.md', () => {
  beforeAll(async () => {
    // The example starts wasm itself; until then the runner counts tensors on cpu.
    await tf.setBackend('cpu');
  });

  it('has its one example, which states what it prints', () => {
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.expectedOutput.length).toBeGreaterThan(0);
  });

  for (const block of blocks) {
    it(`block at line ${block.line} runs and prints what the page says`, async () => {
      // The page imports the published name; the test runs this package's sources.
      const result = await runDocBlock(block, { '@kd/wasm': await import('../../src/index.js') });
      expect(result.output).toEqual(block.expectedOutput);
      expect(result.tensorsLeft).toBe(0);
      expect(tf.getBackend()).toBe('wasm');
    });
  }
});
