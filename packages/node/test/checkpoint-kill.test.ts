// A run killed with kill -9 mid-epoch and resumed from its file checkpoint ends where an uninterrupted run does.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileCheckpointStore } from '../src/index.js';

const script = fileURLToPath(new URL('./fixtures/train-with-checkpoints.mjs', import.meta.url));
const TOTAL_STEPS = 72; // 192 rows, batches of 8, 3 epochs
let root: string;

interface Outcome {
  weights: number[][];
  losses: number[];
  resumedAtStep: number;
}

function start(args: Record<string, unknown>) {
  const child = spawn(process.execPath, [script, JSON.stringify(args)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, stderr: () => stderr };
}

async function runToEnd(args: Record<string, unknown>): Promise<Outcome> {
  const { child, stderr } = start(args);
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(code, stderr()).toBe(0);
  return JSON.parse(await readFile(args.out as string, 'utf8')) as Outcome;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kd-checkpoint-kill-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe.each(['cpu', 'wasm', 'node'] as const)('on %s', (backend) => {
  it('a run killed with kill -9 mid-epoch and resumed ends with the weights of an uninterrupted run', async () => {
    const dir = join(root, backend);
    const whole = await runToEnd({ backend, dir: join(dir, 'whole'), out: join(dir, 'whole.json') });

    const killedDir = join(dir, 'killed');
    const { child } = start({ backend, dir: killedDir, out: join(dir, 'never.json'), slowMs: 25 });
    const deadline = Date.now() + 30_000;
    while (!existsSync(join(killedDir, 'checkpoint.kdckpt'))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('no checkpoint appeared');
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    const [, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect(signal).toBe('SIGKILL');
    expect(existsSync(join(dir, 'never.json'))).toBe(false);

    const saved = await fileCheckpointStore(killedDir).readLatest();
    const meta = JSON.parse(saved!.meta) as { globalStep: number; batch: number };
    expect(meta.globalStep).toBeLessThan(TOTAL_STEPS);
    expect(meta.batch).toBeGreaterThan(0);

    const resumed = await runToEnd({ backend, dir: killedDir, out: join(dir, 'resumed.json'), resume: true });
    expect(resumed.resumedAtStep).toBe(meta.globalStep);
    if (backend === 'node') {
      // tfjs-node's kernels may reorder float sums between processes: equal within float tolerance.
      resumed.weights.flat().forEach((v, i) => expect(v).toBeCloseTo(whole.weights.flat()[i]!, 5));
    } else {
      expect(resumed.weights).toEqual(whole.weights);
      expect(resumed.losses).toEqual(whole.losses);
    }
  }, 120_000);
});
