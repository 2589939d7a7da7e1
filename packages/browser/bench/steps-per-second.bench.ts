// Steps per second of distill on an MLP 32-64-32-1 with batch 256, on webgl, wasm and cpu, in one
// Chromium page. Run with `npm run bench -w @kd/browser`; it prints the best of three rounds per
// backend, the ratios, and the longest time the page could not react.
import * as tf from '@tensorflow/tfjs-core';
import { createBackendRuntime, distill, precomputedTeacher, type KdRuntime } from '@kd/core';
import { cpuRuntime } from '@kd/core/cpu';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { expect, it } from 'vitest';
import { browserRuntime } from '../src/index.js';
import { binaryProblem, mlp } from '../test/helpers/data.js';

const BATCH = 256;
const TIMED_STEPS = 40;
/** Rounds over all backends; each backend keeps its best round (the machine may be shared). */
const ROUNDS = 3;

function wasmRuntime(): KdRuntime {
  return createBackendRuntime({
    name: 'wasm',
    backend: 'wasm',
    async setup() {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths({
        'tfjs-backend-wasm.wasm': wasmPlain,
        'tfjs-backend-wasm-simd.wasm': wasmSimd,
        'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
      });
    },
  });
}

/** Longest gap between timer callbacks while `work` runs: how long the page could not react. */
async function longestStall<T>(work: () => Promise<T>): Promise<[T, number]> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 4);
  try {
    const result = await work();
    return [result, Math.max(worst, performance.now() - last)];
  } finally {
    clearInterval(timer);
  }
}

async function stepsPerSecond(
  runtime: KdRuntime,
  problem: ReturnType<typeof binaryProblem>,
): Promise<{ rate: number; warmStall: number; stall: number }> {
  await runtime.init();
  const x = tf.tensor2d(problem.x);
  const y = tf.tensor1d(problem.y);
  const teacher = precomputedTeacher(Float32Array.from(problem.teacher), {
    output: 'probabilities',
    shape: [problem.y.length, 1],
  });
  const model = mlp([32, 64, 32, 1], 1);
  const run = async (steps: number) => {
    const data = { x: tf.slice(x, 0, steps * BATCH), y: tf.slice(y, 0, steps * BATCH) };
    const t =
      steps === TIMED_STEPS
        ? teacher
        : precomputedTeacher(Float32Array.from(problem.teacher.slice(0, steps * BATCH)), {
            output: 'probabilities',
            shape: [steps * BATCH, 1],
          });
    const started = performance.now();
    await distill({ runtime, teacher: t, student: model, data, epochs: 1, batchSize: BATCH, shuffle: false });
    const ms = performance.now() - started;
    tf.dispose([data.x, data.y]);
    return ms;
  };
  const [, warmStall] = await longestStall(() => run(5)); // compiles shaders / warms kernels
  const [ms, stall] = await longestStall(() => run(TIMED_STEPS));
  tf.dispose([x, y]);
  model.dispose();
  return { rate: (TIMED_STEPS * 1000) / ms, warmStall, stall };
}

it('measures steps/s of an MLP 32-64-32-1, batch 256', async () => {
  const problem = binaryProblem(TIMED_STEPS * BATCH, 32, 1);
  // A runtime activates its backend once; a fresh one per run switches backends again.
  const runtimes = { webgl: () => browserRuntime(), wasm: wasmRuntime, cpu: cpuRuntime };
  const rates: Record<string, number> = {};
  const stalls: Record<string, string> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, make] of Object.entries(runtimes)) {
      const m = await stepsPerSecond(make(), problem);
      if (m.rate > (rates[name] ?? 0)) rates[name] = m.rate;
      if (round === 0)
        stalls[name] =
          `${name} ${m.warmStall.toFixed(0)} ms warm-up / ${m.stall.toFixed(0)} ms timed${name === 'webgl' ? ' (16 ms slices)' : ' (10 ms slices)'}`;
    }
  }
  const line = Object.entries(rates)
    .map(([name, r]) => `${name} ${r.toFixed(1)} steps/s`)
    .join(', ');
  console.log(
    `${line}; webgl/cpu ${(rates.webgl! / rates.cpu!).toFixed(2)}x, wasm/cpu ${(rates.wasm! / rates.cpu!).toFixed(2)}x`,
  );
  console.log(`longest main-thread stall (first round): ${Object.values(stalls).join(', ')}`);
  for (const r of Object.values(rates)) expect(r).toBeGreaterThan(0);
}, 600_000);
