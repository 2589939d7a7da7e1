#!/usr/bin/env node
// Distillation steps per second of the same student on every Node runtime, measured in one
// process and interleaved (cpu, wasm, node, cpu, wasm, node, ...) so machine noise hits all of
// them alike. Prints the median of the rounds and the ratio against cpu, the baseline.
//
//   node bench/steps-per-second.mjs [--rounds 3] [--steps 40] [--json]
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { distill, precomputedTeacher } from '@kd/core';
import { cpuRuntime } from '@kd/core/cpu';
import { nodeRuntime } from '@kd/node';
import { wasmRuntime } from '@kd/wasm';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const rounds = arg('rounds', 3);
const steps = arg('steps', 40);
const json = process.argv.includes('--json');

const STUDENTS = {
  'mlp 32-64-32-1, batch 256': { features: 32, hidden: [64, 32], batch: 256 },
  'demo student 784-8-1, batch 64': { features: 784, hidden: [8], batch: 64 },
};

function build(features, hidden) {
  const layers = hidden.map((units, i) =>
    tfl.layers.dense({
      ...(i === 0 ? { inputShape: [features] } : {}),
      units,
      activation: 'relu',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: i + 1 }),
    }),
  );
  layers.push(tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 99 }) }));
  return tfl.sequential({ layers });
}

/** Steps per second of `steps` distillation steps (one epoch of `steps` batches), after a warm-up epoch. */
async function measure(runtime, { features, hidden, batch }) {
  await runtime.init();
  const rows = batch * steps;
  const x = tf.randomNormal([rows, features], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, 1), 0), 'float32'));
  const t = precomputedTeacher(
    Float32Array.from({ length: rows }, (_, i) => (i % 7) / 7),
    { output: 'probabilities', shape: [rows, 1] },
  );
  const model = build(features, hidden);
  const run = (epochs) =>
    distill({ runtime, teacher: t, student: model, data: { x, y }, epochs, batchSize: batch, alpha: 0.5 });
  await run(1); // warm-up: kernel compilation, teacher cache
  const started = performance.now();
  await run(1);
  const seconds = (performance.now() - started) / 1000;
  model.dispose();
  tf.dispose([x, y]);
  return steps / seconds;
}

const runtimes = { cpu: cpuRuntime(), wasm: wasmRuntime(), node: nodeRuntime() };
const results = {};
for (const [label, spec] of Object.entries(STUDENTS)) {
  const samples = Object.fromEntries(Object.keys(runtimes).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, runtime] of Object.entries(runtimes)) samples[name].push(await measure(runtime, spec));
  }
  const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const base = median(samples.cpu);
  results[label] = Object.fromEntries(
    Object.entries(samples).map(([k, v]) => [
      k,
      { stepsPerSecond: median(v), ratioToCpu: median(v) / base, samples: v },
    ]),
  );
}

if (json) {
  console.log(JSON.stringify({ rounds, steps, results }, null, 2));
} else {
  console.log(
    `distillation steps per second (median of ${rounds} interleaved rounds of ${steps} steps; ratio against cpu measured in this run)\n`,
  );
  for (const [label, byRuntime] of Object.entries(results)) {
    console.log(label);
    for (const [name, r] of Object.entries(byRuntime))
      console.log(
        `  ${name.padEnd(5)} ${r.stepsPerSecond.toFixed(1).padStart(8)} steps/s   ×${r.ratioToCpu.toFixed(2)}`,
      );
  }
}
