/**
 * The doc-block runner of @kd/core's tests (packages/core/test/docs/run-doc-blocks.ts), loaded by
 * URL: a static import would pull a file outside this package into its typecheck (rootDir).
 * The types restate the part of its API used here.
 */
export interface DocBlock {
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** The block's `// →` lines, in order. */
  expectedOutput: string[];
}

export interface DocBlockResult {
  output: string[];
  tensorsLeft: number;
}

interface DocRunner {
  readTsBlocks(path: URL): DocBlock[];
  runDocBlock(block: DocBlock, modules?: Record<string, unknown>): Promise<DocBlockResult>;
}

const runnerUrl = new URL('../../../core/test/docs/run-doc-blocks.ts', import.meta.url).href;

export const { readTsBlocks, runDocBlock } = (await import(/* @vite-ignore */ runnerUrl)) as DocRunner;
