/** One ```ts block of a page, as test/docs/generate-doc-modules.ts wrote it under generated/. */
export interface GeneratedBlock {
  /** 1-based line of the block's opening fence. */
  line: number;
  /**
   * `script`: the module's default export runs the block, given the console to print to.
   * `worker`: the block is a worker module (its first line names the file, `// kd.worker.ts`);
   * the module's default export starts a Worker on it.
   */
  kind: 'script' | 'worker';
  /** File name of the module under generated/. */
  module: string;
  /** The block's `// →` lines, in order. */
  expectedOutput: string[];
}

/** What generated/blocks.json holds. */
export interface GeneratedPage {
  page: string;
  blocks: GeneratedBlock[];
}

/** The console a script block prints to. */
export type BlockConsole = Pick<Console, 'log'>;
