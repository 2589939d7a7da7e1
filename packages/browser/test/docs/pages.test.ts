/// <reference types="vite/client" />
// Runs every ```ts example of docs/runtimes/browser.md in Chromium. test/docs/generate-doc-modules.ts
// (the global setup) has turned the blocks into modules under generated/ before the page loads.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { browserRuntime, trainInWorker } from '@kd/browser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BlockConsole, GeneratedBlock, GeneratedPage } from './generated-block.js';

type ScriptModule = { default: (console: BlockConsole) => Promise<void> };
type WorkerModule = { default: () => Worker };

const EXAMPLES_ON_PAGE = 8;

const manifests = import.meta.glob<GeneratedPage>('./generated/blocks.json', { eager: true, import: 'default' });
const modules = import.meta.glob('./generated/block-*.ts');
const blocks: GeneratedBlock[] = manifests['./generated/blocks.json']?.blocks ?? [];

/** Roughly what a browser console shows: strings as they are, other values as JSON. */
function show(value: unknown): string {
  if (typeof value === 'string') return value;
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

async function load<T>(block: GeneratedBlock): Promise<T> {
  const loader = modules[`./generated/${block.module}`];
  if (!loader) throw new Error(`generated/${block.module} is missing; the global setup writes it`);
  return (await loader()) as T;
}

/** Runs a script block; returns what it printed. Models it leaves in browser storage are removed. */
async function runScript(block: GeneratedBlock): Promise<{ output: string[]; tensorsLeft: number }> {
  const { default: run } = await load<ScriptModule>(block);
  const stored = new Set(Object.keys(await tf.io.listModels()));
  const output: string[] = [];
  const before = tf.memory().numTensors;
  try {
    await run({ log: (...args: unknown[]) => void output.push(args.map(show).join(' ')) });
    return { output, tensorsLeft: tf.memory().numTensors - before };
  } finally {
    for (const key of Object.keys(await tf.io.listModels())) if (!stored.has(key)) await tf.io.removeModel(key);
  }
}

/** Starts the worker a worker block defines and has it train one tiny job. */
async function serveOneJob(block: GeneratedBlock): Promise<string> {
  const { default: startWorker } = await load<WorkerModule>(block);
  const worker = startWorker();
  const student = tfl.sequential({
    layers: [tfl.layers.dense({ inputShape: [2], units: 1, kernelInitializer: 'zeros' })],
  });
  const x = tf.tensor2d([
    [1, 0],
    [0, 1],
    [-1, 0],
    [0, -1],
  ]);
  const y = tf.tensor1d([1, 1, 0, 0]);
  try {
    const result = await trainInWorker(worker, {
      student,
      teacher: { values: new Float32Array([0.9, 0.8, 0.2, 0.1]), shape: [4, 1], kind: 'probabilities' },
      data: { x, y },
      epochs: 1,
    });
    expect(result.history).toHaveLength(1);
    return result.runtime.backend;
  } finally {
    worker.terminate();
    student.dispose();
    tf.dispose([x, y]);
  }
}

describe('docs/runtimes/browser.md', () => {
  beforeAll(async () => {
    // Tensors are counted on the backend the examples use.
    await browserRuntime().init();
  });

  it(`has its ${EXAMPLES_ON_PAGE} examples, generated as modules`, () => {
    expect(blocks.map((b) => b.kind)).toEqual([
      'script',
      'script',
      'script',
      'script',
      'script',
      'script',
      'worker',
      'script',
    ]);
    expect(blocks).toHaveLength(EXAMPLES_ON_PAGE);
    for (const block of blocks) expect(Object.keys(modules)).toContain(`./generated/${block.module}`);
  });

  for (const block of blocks) {
    if (block.kind === 'worker') {
      it(`block at line ${block.line} is a worker module that trains a job sent to it`, async () => {
        expect(await serveOneJob(block)).toBe('webgl');
      });
      continue;
    }
    const claim = block.expectedOutput.length > 0 ? ', prints what the page says' : '';
    it(`block at line ${block.line} runs${claim} and frees its tensors`, async () => {
      const { output, tensorsLeft } = await runScript(block);
      if (block.expectedOutput.length > 0) expect(output).toEqual(block.expectedOutput);
      expect(tensorsLeft).toBe(0);
    });
  }
});
