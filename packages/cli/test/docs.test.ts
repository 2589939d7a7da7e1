import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpuRuntime } from '@kd/core/cpu';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTsBlocks, runDocBlock } from '@kd/test-utils/doc-blocks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cli from '../src/index.js';
import { withReference } from '../src/commands/reference.js';
import { writeCurveCsv } from './helpers.js';

const PAGE = new URL('../../../docs/cli.md', import.meta.url);

describe('docs/cli.md', () => {
  it('holds the CLI reference generated from the command definitions (run `npm run docs -w @kd/cli` when this fails)', () => {
    const page = readFileSync(PAGE, 'utf8');
    expect(withReference(page)).toBe(page);
    for (const def of cli.COMMANDS) expect(page).toContain(`### kd ${def.name}`);
  });

  describe('examples', () => {
    const home = process.cwd();
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kd-cli-docs-'));
      // The runner counts tensors before each block, which needs a backend up.
      await cpuRuntime().init();
      writeCurveCsv(join(dir, 'customers.csv'), 200);
      // The page's example names its label column `churned`.
      writeFileSync(
        join(dir, 'customers.csv'),
        readFileSync(join(dir, 'customers.csv'), 'utf8').replace(',label\n', ',churned\n'),
      );
      process.chdir(dir);
    });
    afterAll(async () => {
      process.chdir(home);
      await rm(dir, { recursive: true, force: true });
    });

    const blocks = readTsBlocks(PAGE);
    it('has its code example', () => expect(blocks).toHaveLength(1));
    for (const block of blocks)
      it(`block at line ${block.line} runs, prints what the page says and leaves no tensors`, async () => {
        const result = await runDocBlock(block, { '@kd/cli': cli });
        expect(result.output).toEqual(block.expectedOutput);
        expect(result.tensorsLeft).toBe(0);
      });
  });
});
