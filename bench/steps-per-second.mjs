#!/usr/bin/env node
// Distillation steps per second of the same student on every Node runtime, measured in one
// process and interleaved (cpu, wasm, node, cpu, wasm, node, ...) so machine noise hits all of
// them alike. Prints the median of the rounds and the ratio against cpu, the baseline.
//
//   node bench/steps-per-second.mjs [--quick] [--rounds 3] [--steps 40] [--json]
//
// Rows: two students from precomputed teacher outputs, and the MLP pair of the Keras side by
// side (784-128-64-1 teacher, 784-8-1 student) with the teacher model itself: each timed call
// starts from an empty teacher cache, so the teacher's one pass over the rows is in the time.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { distill, MemoryTeacherCache, precomputedTeacher } from '@kd/core';
import { cpuRuntime } from '@kd/core/cpu';
import { nodeRuntime } from '@kd/node';
import { wasmRuntime } from '@kd/wasm';
import { loadLine, machine } from './machine.mjs';

const quick = process.argv.includes('--quick');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const rounds = arg('rounds', quick ? 1 : 3);
const steps = arg('steps', quick ? 10 : 40);
const json = process.argv.includes('--json');

const STUDENTS = {
  'mlp 32-64-32-1, batch 256': { features: 32, hidden: [64, 32], batch: 256 },
  'demo student 784-8-1, batch 64': { features: 784, hidden: [8], batch: 64 },
  'MLP pair 784-128-64-1 → 784-8-1, batch 64, teacher pass included': {
    features: 784,
    hidden: [8],
    batch: 64,
    teacher: [128, 64],
  },
};

function build(features, hidden, seed = 0) {
  const layers = hidden.map((units, i) =>
    tfl.layers.dense({
      ...(i === 0 ? { inputShape: [features] } : {}),
      units,
      activation: 'relu',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + i + 1 }),
    }),
  );
  layers.push(tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 99 }) }));
  return tfl.sequential({ layers });
}

/** Steps per second of `steps` distillation steps (one epoch of `steps` batches), after a warm-up epoch. */
async function measure(runtime, { features, hidden, batch, teacher }) {
  await runtime.init();
  const rows = batch * steps;
  const x =
    features === 784
      ? tf.randomUniform([rows, features], 0, 1, 'float32', 1) // pixel-like, as the Fashion-MNIST rows
      : tf.randomNormal([rows, features], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.mean(x, 1), features === 784 ? 0.5 : 0), 'float32'));
  const teacherModel = teacher ? build(features, teacher, 1000) : undefined;
  const t =
    teacherModel ??
    precomputedTeacher(
      Float32Array.from({ length: rows }, (_, i) => (i % 7) / 7),
      { output: 'probabilities', shape: [rows, 1] },
    );
  const model = build(features, hidden);
  // A fresh cache per call: with a teacher model, every call runs the teacher over the rows once.
  const run = (epochs) =>
    distill({
      runtime: { ...runtime, cache: new MemoryTeacherCache() },
      teacher: t,
      student: model,
      data: { x, y },
      epochs,
      batchSize: batch,
      alpha: 0.5,
    });
  await run(1); // warm-up: kernel compilation, first-call costs
  const started = performance.now();
  await run(1);
  const seconds = (performance.now() - started) / 1000;
  model.dispose();
  teacherModel?.dispose();
  tf.dispose([x, y]);
  return steps / seconds;
}

const loadAtStart = machine().loadAverage;
const runtimes = { cpu: cpuRuntime(), wasm: wasmRuntime(), node: nodeRuntime() };
const info = {};
for (const [name, runtime] of Object.entries(runtimes)) info[name] = await runtime.init();
const results = {};
for (const [label, spec] of Object.entries(STUDENTS)) {
  const samples = Object.fromEntries(Object.keys(runtimes).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    // Alternate the order between rounds, so no runtime always runs first (or right after another).
    const order = Object.keys(runtimes);
    for (const name of r % 2 === 0 ? order : order.reverse()) samples[name].push(await measure(runtimes[name], spec));
  }
  const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const base = median(samples.cpu);
  results[label] = Object.fromEntries(
    Object.entries(samples).map(([k, v]) => [
      k,
      {
        stepsPerSecond: median(v),
        samplesPerSecond: median(v) * spec.batch,
        ratioToCpu: median(v) / base,
        // Each round's rate over cpu's in the same round, then the median: noise shared by a round cancels.
        pairedRatioToCpu: median(v.map((rate, r) => rate / samples.cpu[r])),
        samples: v,
      },
    ]),
  );
}

const load = { start: loadAtStart, end: machine().loadAverage };
const versions = { tfjs: tf.version_core, wasm: { simd: info.wasm.simd, threads: info.wasm.threads } };
if (json) {
  console.log(
    JSON.stringify(
      { when: new Date().toISOString(), quick, rounds, steps, machine: machine(), load, versions, results },
      null,
      2,
    ),
  );
} else {
  console.log(
    `distillation steps per second (median of ${rounds} interleaved rounds of ${steps} steps; ratio against cpu measured in this run)\n`,
  );
  for (const [label, byRuntime] of Object.entries(results)) {
    console.log(label);
    for (const [name, r] of Object.entries(byRuntime))
      console.log(
        `  ${name.padEnd(5)} ${r.stepsPerSecond.toFixed(1).padStart(8)} steps/s   ×${r.ratioToCpu.toFixed(2)} (per round ×${r.pairedRatioToCpu.toFixed(2)})`,
      );
  }
  console.log(`load average (1, 5, 15 min): ${loadLine(load.start)} at the start, ${loadLine(load.end)} at the end`);
}
