import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileDocBlock, extractTsBlocks, runDocBlock } from '../src/doc-blocks.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const page = [
  '# Title',
  '```ts',
  "import * as tf from '@tensorflow/tfjs-core';",
  "import { double, name as label } from 'virtual:math';",
  "import { kept } from 'virtual:keep';",
  'kept.push(tf.tensor1d([1, 2]));',
  'console.log(label, double(21), await Promise.resolve("awaited"));',
  '// → math 42 awaited',
  '```',
  '```sh',
  'npm test',
  '```',
  '```ts',
  "import 'virtual:math';",
  'console.log("no claim");',
  '```',
].join('\n');

const kept: tf.Tensor[] = [];
const modules = { 'virtual:math': { double: (x: number) => 2 * x, name: 'math' }, 'virtual:keep': { kept } };

describe('run-doc-blocks', () => {
  it('extracts only ```ts blocks, with their line and expected output', () => {
    const blocks = extractTsBlocks(page);
    expect(blocks.map((b) => b.line)).toEqual([2, 13]);
    expect(blocks[0]!.expectedOutput).toEqual(['math 42 awaited']);
    expect(blocks[1]!.expectedOutput).toEqual([]);
  });

  it('runs a block with mapped and ordinary imports, capturing output and counting tensors left', async () => {
    const [first, second] = extractTsBlocks(page);
    const result = await runDocBlock(first!, modules);
    expect(result.output).toEqual(['math 42 awaited']);
    expect(result.tensorsLeft).toBe(1);
    tf.dispose(kept.splice(0));
    expect((await runDocBlock(second!, modules)).output).toEqual(['no claim']);
  });

  it('fails on a missing named import, a throwing block, an export or an unclosed fence', async () => {
    const [missing] = extractTsBlocks("```ts\nimport { nope } from 'virtual:math';\nnope();\n```");
    await expect(runDocBlock(missing!, modules)).rejects.toThrow("'virtual:math' has no export named 'nope'");
    const [throwing] = extractTsBlocks("```ts\nthrow new Error('boom');\n```");
    await expect(runDocBlock(throwing!, modules)).rejects.toThrow('boom');
    expect(() => compileDocBlock('export const x = 1;')).toThrow('remove the export');
    expect(() => extractTsBlocks('```ts\nconst x = 1;\n')).toThrow('unclosed');
  });

  it('drops type-only syntax before running', async () => {
    const [typed] = extractTsBlocks(
      "```ts\nimport type { Tensor } from '@tensorflow/tfjs-core';\nconst n: number = 3;\nlet t: Tensor | undefined;\nconsole.log(n, t);\n```",
    );
    expect((await runDocBlock(typed!, {})).output).toEqual(['3 undefined']);
  });
});
