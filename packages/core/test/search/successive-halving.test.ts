import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import {
  formatSearchTable,
  isKdError,
  memoryCheckpointStore,
  searchAlpha,
  teacher,
  type KdRuntime,
  type SearchAlphaOptions,
  type SearchAlphaResult,
} from '../../src/index.js';
import { resolveHalving, runHalving, rungEpochs } from '../../src/search/successive-halving.js';
import { denseStudent, toyBinary } from '../helpers/fixtures.js';

describe('the rungs of successive halving', () => {
  it('train to minEpochs·eta^r, ending at epochs', () => {
    expect(rungEpochs(4, 2, 1)).toEqual([1, 2, 4]);
    expect(rungEpochs(3, 3, 1)).toEqual([1, 3]);
    expect(rungEpochs(10, 3, 1)).toEqual([1, 3, 9, 10]);
    expect(rungEpochs(10, 2, 3)).toEqual([3, 6, 10]);
    expect(rungEpochs(3, 3, 3)).toEqual([3]);
  });

  it('keep the best ⌊n / eta⌋ (at least one), NaN last and ties to the earlier setting', async () => {
    // Scores by setting, the same at every rung; lower is better.
    const scores = [0.5, Number.NaN, 0.2, 0.2, 0.9, 0.1, 0.3];
    const calls: Array<[number[], number]> = [];
    const ended: Array<[number[], number, boolean]> = [];
    const { droppedAt, rungs } = await runHalving(
      scores.length,
      { eta: 2, minEpochs: 1, rungEpochs: [1, 2, 4, 5] },
      'min',
      async (live, epochs) => {
        calls.push([live, epochs]);
        return live.map((s) => scores[s]!);
      },
      async (settings, rung, dropped) => void ended.push([settings, rung, dropped]),
    );
    // 7 → ⌊7/2⌋ = 3 (5, 2, 3: the tie 2/3 keeps both) → 1 (5) → max(1, ⌊1/2⌋) = 1.
    expect(calls).toEqual([
      [[0, 1, 2, 3, 4, 5, 6], 1],
      [[2, 3, 5], 2],
      [[5], 4],
      [[5], 5],
    ]);
    expect(droppedAt).toEqual([0, 0, 1, 1, 0, undefined, 0]);
    expect(rungs).toEqual([
      { epochs: 1, settings: 7, kept: 3 },
      { epochs: 2, settings: 3, kept: 1 },
      { epochs: 4, settings: 1, kept: 1 },
      { epochs: 5, settings: 1, kept: 1 },
    ]);
    expect(ended).toEqual([
      [[0, 1, 4, 6], 0, true],
      [[2, 3], 1, true],
      [[], 2, true],
      [[5], 3, false],
    ]);
    // Higher is better: NaN still goes last; 0.9 and 0.5 go on.
    const max = await runHalving(scores.length, { eta: 3, minEpochs: 1, rungEpochs: [1, 3] }, 'max', async (live) =>
      live.map((s) => scores[s]!),
    );
    expect(max.droppedAt).toEqual([undefined, 0, 0, 0, undefined, 0, 0]);
  });

  it('refuses options that make no rungs, before anything trains', () => {
    for (const [options, epochs] of [
      [{ eta: 1 }, 3],
      [{ eta: 2.5 }, 3],
      [{ minEpochs: 0 }, 3],
      [{ minEpochs: 4 }, 3],
    ] as const) {
      let error: unknown;
      try {
        resolveHalving(options, epochs);
      } catch (e) {
        error = e;
      }
      expect(isKdError(error) && error.code).toBe('KD_INVALID_ARGUMENT');
    }
    expect(resolveHalving({}, 9)).toEqual({ eta: 3, minEpochs: 1, rungEpochs: [1, 3, 9] });
  });
});

describe('searchAlpha({ successiveHalving })', () => {
  let runtime: KdRuntime;
  const train = toyBinary(90, 4, 3);
  const val = toyBinary(40, 4, 4);
  let teacherCalls = 0;
  const t = teacher(
    (x) => {
      teacherCalls++;
      return tf.matMul(x, tf.tensor2d([[2], [-1], [2], [-1]]));
    },
    { output: 'logits', id: 'halving-test' },
  );
  const alphas = [0, 0.25, 0.5, 0.75, 1];
  const seeds = [0, 1];
  const options = (extra: Partial<SearchAlphaOptions> = {}): SearchAlphaOptions => ({
    runtime,
    teacher: t,
    data: { x: train.x, y: train.y },
    validation: { x: val.x, y: val.y },
    makeStudent: (seed) => denseStudent(4, 5, 1, seed),
    makeOptimizer: () => tf.train.adam(0.05),
    alphas,
    seeds,
    epochs: 4,
    batchSize: 20,
    metric: 'val_loss',
    select: 'last',
    deadRun: false,
    ...extra,
  });
  const references = new Map<number, SearchAlphaResult>();

  beforeAll(async () => {
    runtime = cpuRuntime();
    await runtime.init();
    // The search without halving at each rung's epochs: what every rung must see.
    for (const epochs of [1, 2, 4]) references.set(epochs, await searchAlpha(options({ epochs })));
  });
  afterAll(() => tf.dispose([train.x, train.y, val.x, val.y]));

  /** The settings each rung keeps, from the full searches: eta 2 over 5 settings and rungs 1, 2, 4. */
  function expected() {
    const mean = (epochs: number, a: number) => references.get(epochs)!.rows[a]!.mean;
    const best = (live: number[], n: number, epochs: number) =>
      [...live].sort((a, b) => mean(epochs, a) - mean(epochs, b) || a - b).slice(0, n);
    const afterFirst = best([0, 1, 2, 3, 4], 2, 1);
    const afterSecond = best(afterFirst, 1, 2);
    const droppedAt = alphas.map((_, a) => (afterSecond.includes(a) ? undefined : afterFirst.includes(a) ? 1 : 0));
    return { droppedAt, epochsOf: (a: number) => [1, 2, 4][droppedAt[a] ?? 2]! };
  }

  function checkBookkeeping(result: SearchAlphaResult, rtol: number) {
    const { droppedAt, epochsOf } = expected();
    // A setting kept at every rung, and the three fates all occur on this problem.
    expect(new Set(droppedAt)).toEqual(new Set([0, 1, undefined]));
    expect(result.rows.map((r) => r.droppedAtRung)).toEqual(droppedAt);
    expect(result.runs.map((r) => [r.alpha, r.seed, r.epochs, r.droppedAtRung])).toEqual(
      alphas.flatMap((alpha, a) => seeds.map((seed) => [alpha, seed, epochsOf(a), droppedAt[a]])),
    );
    // Each run's value is the full search's at the epochs it trained: a run that went on resumed exactly.
    result.runs.forEach((r, i) => {
      const a = Math.floor(i / seeds.length);
      const reference = references.get(epochsOf(a))!.runs[i]!;
      expect([reference.alpha, reference.seed]).toEqual([r.alpha, r.seed]);
      expect(Math.abs(r.value - reference.value)).toBeLessThanOrEqual(rtol * Math.abs(reference.value));
    });
    expect(result.best.alpha).toBe(alphas[droppedAt.indexOf(undefined)]);
    // Σ over rungs of settings × new epochs × seeds: (5·1 + 2·(2−1) + 1·(4−2)) · 2 = 18.
    expect(result.halving).toEqual({
      eta: 2,
      minEpochs: 1,
      rungs: [
        { epochs: 1, settings: 5, kept: 2 },
        { epochs: 2, settings: 2, kept: 1 },
        { epochs: 4, settings: 1, kept: 1 },
      ],
      epochsTrained: 18,
    });
    const table = formatSearchTable(result).split('\n');
    expect(table[0]).toMatch(/halving$/);
    droppedAt.forEach((rung, a) => {
      const line = table[a + 1]!;
      if (rung === undefined) expect(line).toMatch(/^\* .* complete$/);
      else expect(line).toMatch(new RegExp(`^ .* dropped after ${[1, 2][rung]} of 4 epochs$`));
    });
  }

  it('sequentially: keeps the right settings at each rung, resumes the ones that go on, trains the closed-form epochs', async () => {
    let epochsSeen = 0;
    const done: number[] = [];
    const before = tf.memory().numTensors;
    const result = await searchAlpha(
      options({
        successiveHalving: { eta: 2, minEpochs: 1 },
        callbacks: { onEpochEnd: () => void epochsSeen++ },
        onRun: (_run, n, total) => void done.push(n, total),
      }),
    );
    expect(tf.memory().numTensors).toBe(before);
    checkBookkeeping(result, 1e-6);
    // Counted by a callback of every epoch actually trained.
    expect(epochsSeen).toBe(18);
    expect(done).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, 10]).flat());
  });

  it('in parallel: the same rungs, the survivors carrying their optimizer state across the restacking', async () => {
    const before = tf.memory().numTensors;
    const result = await searchAlpha(options({ parallel: true, successiveHalving: { eta: 2, minEpochs: 1 } }));
    expect(tf.memory().numTensors).toBe(before);
    checkBookkeeping(result, 1e-4);
  });

  it("in parallel with kd's default Adam: its state too carries across the restacking, nothing leaks", async () => {
    // defaultOptimizer(0.05) computes tf.train.adam(0.05)'s numbers on the cpu backend (epsilon 1e-7 both).
    const { makeOptimizer: _tfjsAdam, ...rest } = options({
      parallel: true,
      successiveHalving: { eta: 2, minEpochs: 1 },
    });
    const before = tf.memory().numTensors;
    const result = await searchAlpha({ ...rest, learningRate: 0.05 });
    expect(tf.memory().numTensors).toBe(before);
    checkBookkeeping(result, 1e-4);
  });

  it('refuses bad options and a checkpoint before training', async () => {
    const calls = teacherCalls;
    for (const extra of [
      { successiveHalving: { eta: 1 } },
      { successiveHalving: { minEpochs: 5 } },
      { successiveHalving: {}, checkpoint: { store: memoryCheckpointStore() } },
    ] as Partial<SearchAlphaOptions>[]) {
      const error = await searchAlpha(options(extra)).catch((e: unknown) => e);
      expect(isKdError(error) && error.code).toBe('KD_INVALID_ARGUMENT');
    }
    expect(teacherCalls).toBe(calls);
  });
});
