import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import {
  computeTeacherOutputs,
  precomputedTeacher,
  type CachedTeacherOutputs,
  type KdRuntime,
  type TeacherCache,
} from '../../src/index.js';

/** A cache that answers every get with `answer` and records what core does with it. */
function scriptedCache(answer: () => Promise<CachedTeacherOutputs | undefined>) {
  const log: string[] = [];
  const cache: TeacherCache = {
    get: async () => {
      log.push('get');
      return answer();
    },
    set: async () => void log.push('set'),
    delete: async () => void log.push('delete'),
    clear: async () => undefined,
  };
  return { cache, log };
}

const values = new Float32Array([0.5, -1, 2, 0.25, -3, 1]);
let base: KdRuntime;
beforeAll(async () => {
  base = cpuRuntime();
  await base.init();
});

async function outputsWith(answer: () => Promise<CachedTeacherOutputs | undefined>, kind: 'logits' | 'probabilities') {
  const { cache, log } = scriptedCache(answer);
  const runtime: KdRuntime = { ...base, init: () => base.init(), hasKernel: (k) => base.hasKernel(k), cache };
  const teacherValues = kind === 'logits' ? values : values.map((v) => (v + 3) / 6);
  const t = precomputedTeacher(teacherValues, { output: kind, shape: [3, 2] });
  const x = tf.zeros([3, 4]);
  try {
    const out = await computeTeacherOutputs(runtime, t, x);
    const got = Array.from(await out.values.data());
    out.values.dispose();
    return { fromCache: out.fromCache, got, expected: Array.from(teacherValues), log };
  } finally {
    x.dispose();
  }
}

describe('computeTeacherOutputs treats an unusable cache entry as a miss: deleted, recomputed, stored again', () => {
  const cases: Array<[string, () => Promise<CachedTeacherOutputs | undefined>, 'logits' | 'probabilities']> = [
    [
      'NaN values',
      async () => ({ values: values.map((v, i) => (i === 2 ? NaN : v)), shape: [3, 2], kind: 'logits' }),
      'logits',
    ],
    [
      '-Infinity',
      async () => ({ values: values.map((v, i) => (i === 0 ? -Infinity : v)), shape: [3, 2], kind: 'logits' }),
      'logits',
    ],
    [
      'a probability above 1',
      async () => ({ values: new Float32Array(6).fill(1.25), shape: [3, 2], kind: 'probabilities' }),
      'probabilities',
    ],
    [
      'fewer values than the shape',
      async () => ({ values: values.slice(0, 5), shape: [3, 2], kind: 'logits' }),
      'logits',
    ],
    ['a rank-3 shape', async () => ({ values, shape: [3, 2, 1], kind: 'logits' }), 'logits'],
    [
      'plain arrays',
      async () => ({ values: Array.from(values) as unknown as Float32Array, shape: [3, 2], kind: 'logits' }),
      'logits',
    ],
  ];
  it.each(cases)('%s', async (_what, answer, kind) => {
    const r = await outputsWith(answer, kind);
    expect(r.fromCache).toBe(false);
    expect(r.got).toEqual(r.expected);
    expect(r.log).toEqual(['get', 'delete', 'set']);
  });

  it('serves a well-formed entry, and lets other errors of get through', async () => {
    const hit = await outputsWith(async () => ({ values, shape: [3, 2], kind: 'logits' }), 'logits');
    expect(hit.fromCache).toBe(true);
    expect(hit.log).toEqual(['get']);
    await expect(
      outputsWith(async () => {
        throw new Error('disk on fire');
      }, 'logits'),
    ).rejects.toThrow('disk on fire');
  });
});
