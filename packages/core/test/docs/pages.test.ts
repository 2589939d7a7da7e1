// Runs every ```ts example of the guides in docs/ that use @kd/core alone, as written.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { readTsBlocks, runDocBlock } from '@kd/test-utils/doc-blocks';

const pages = [
  'getting-started.md',
  'architecture.md',
  'runtimes/cpu.md',
  'streaming.md',
  'checkpoints.md',
  'schedules.md',
  'ensembles.md',
  'caching.md',
  'alpha-search.md',
  'troubleshooting.md',
  'errors.md',
];

describe.each(pages)('docs/%s', (page) => {
  const blocks = readTsBlocks(new URL(`../../../../docs/${page}`, import.meta.url));
  it('has examples', () => expect(blocks.length).toBeGreaterThan(0));
  for (const block of blocks) {
    it(`block at line ${block.line} runs`, async () => {
      const result = await runDocBlock(block, {
        '@kd/core': await import('../../src/index.js'),
        '@kd/core/cpu': await import('../../src/cpu.js'),
      });
      if (block.expectedOutput.length > 0) expect(result.output).toEqual(block.expectedOutput);
    });
  }
});
