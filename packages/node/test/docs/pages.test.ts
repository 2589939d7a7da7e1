// Runs the ```ts examples of docs/runtimes/node.md as written, in a folder holding the files they read.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readTsBlocks, runDocBlock } from '@kd/test-utils/doc-blocks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRuntime } from '../../src/index.js';

const blocks = readTsBlocks(new URL('../../../../docs/runtimes/node.md', import.meta.url));
const home = process.cwd();
let dir: string;

/** An IDX file: magic (type 0x08 = uint8, rank), big-endian dims, then the bytes. */
function idx(dims: number[], bytes: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x0800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(bytes)]);
}

function csv(rows: number, seed: number): string {
  const lines = ['age,visits,spend,churned'];
  for (let i = 0; i < rows; i++) {
    const age = 20 + ((i * 7 + seed) % 50);
    const visits = (i * 3 + seed) % 11;
    const spend = ((i * 13 + seed) % 97) / 10;
    lines.push(`${age},${visits},${spend},${visits < 4 ? 1 : 0}`);
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  // The runner counts tensors before each block, which needs a backend up.
  await nodeRuntime().init();
  dir = await mkdtemp(join(tmpdir(), 'kd-node-docs-'));
  await writeFile(join(dir, 'train.csv.gz'), gzipSync(csv(64, 1)));
  await writeFile(join(dir, 'validation.csv'), csv(16, 5));
  const images = Uint8Array.from({ length: 8 * 28 * 28 }, (_, i) => (i * 31) % 256);
  await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx([8, 28, 28], images)));
  await writeFile(
    join(dir, 'train-labels-idx1-ubyte.gz'),
    gzipSync(idx([8], Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]))),
  );
  process.chdir(dir);
});

afterAll(async () => {
  process.chdir(home);
  await rm(dir, { recursive: true, force: true });
});

describe('docs/runtimes/node.md examples', () => {
  it('has its four examples, each stating its output', () => {
    expect(blocks).toHaveLength(4);
    for (const block of blocks) expect(block.expectedOutput.length, `block at line ${block.line}`).toBeGreaterThan(0);
  });

  for (const block of blocks) {
    it(`block at line ${block.line} runs on tfjs-node and prints what the page says`, async () => {
      const result = await runDocBlock(block);
      expect(result.output).toEqual(block.expectedOutput);
    });
  }
});
