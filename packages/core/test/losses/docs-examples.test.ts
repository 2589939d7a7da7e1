// Runs the ```ts examples of docs/losses.md exactly as written, so the page cannot go stale.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { readTsBlocks, runDocBlock, type DocModules } from '@kd/test-utils/doc-blocks';

const page = new URL('../../../../docs/losses.md', import.meta.url);
const blocks = readTsBlocks(page);

/** The page imports the published entry points; the test maps them to the package sources. */
async function packageModules(): Promise<DocModules> {
  return { '@kd/core': await import('../../src/index.js'), '@kd/core/cpu': await import('../../src/cpu.js') };
}

describe('docs/losses.md examples', () => {
  it('has examples to run, each stating its output', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    for (const block of blocks) expect(block.expectedOutput.length, `block at line ${block.line}`).toBeGreaterThan(0);
  });

  for (const block of blocks) {
    it(`block at line ${block.line} runs, prints what the page says, and frees its tensors`, async () => {
      const result = await runDocBlock(block, await packageModules());
      expect(result.output).toEqual(block.expectedOutput);
      expect(result.tensorsLeft).toBe(0);
    });
  }
});
