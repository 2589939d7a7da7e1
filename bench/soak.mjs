#!/usr/bin/env node
// Soak: many epochs of distillation and then an α search on one runtime in one process,
// sampling tf.memory() (tensors, bytes) and the process RSS after every epoch and every search
// run. What it shows is the trend: a leak is a slope, so it prints the first and last samples,
// the peak, and the growth per 100 epochs fitted over the second half (after warm-up).
//
//   node bench/soak.mjs [--runtime cpu|wasm] [--epochs 200] [--alphas 6] [--json]
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { distill, precomputedTeacher, searchAlpha } from '@kd/core';
import { cpuRuntime } from '@kd/core/cpu';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const runtimeName = arg('runtime', 'cpu');
const epochs = Number(arg('epochs', 200));
const alphaCount = Number(arg('alphas', 6));
const json = process.argv.includes('--json');

const FEATURES = 16;
const ROWS = 1024;
const BATCH = 128;

// @kd/wasm is imported only when asked for, so the cpu soak runs without building it.
const runtime = runtimeName === 'wasm' ? (await import('@kd/wasm')).wasmRuntime() : cpuRuntime();
await runtime.init();

// A fixed synthetic problem: label = sum of features > 0; the teacher is a softened version of it.
const x = tf.randomNormal([ROWS, FEATURES], 0, 1, 'float32', 7);
const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, 1), 0), 'float32'));
const teacherProbs = tf.tidy(() => tf.sigmoid(tf.mul(tf.sum(x, 1), 0.7)));
const teacherValues = await teacherProbs.data();
teacherProbs.dispose();
const teacher = () =>
  precomputedTeacher(Float32Array.from(teacherValues), { output: 'probabilities', shape: [ROWS, 1] });
const valX = tf.randomNormal([256, FEATURES], 0, 1, 'float32', 8);
const valY = tf.tidy(() => tf.cast(tf.greater(tf.sum(valX, 1), 0), 'float32'));

const makeStudent = (seed) =>
  tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [FEATURES],
        units: 16,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed }),
      }),
      tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });

const samples = [];
const started = performance.now();
const sample = (phase, step) => {
  const m = tf.memory();
  samples.push({
    phase,
    step,
    seconds: (performance.now() - started) / 1000,
    tensors: m.numTensors,
    bytes: m.numBytes,
    rssMB: process.memoryUsage().rss / 2 ** 20,
    heapMB: process.memoryUsage().heapUsed / 2 ** 20,
  });
};

sample('start', 0);
const student = makeStudent(1);
await distill({
  runtime,
  teacher: teacher(),
  student,
  data: { x, y },
  validation: { x: valX, y: valY },
  epochs,
  batchSize: BATCH,
  alpha: 0.5,
  seed: 3,
  callbacks: { onEpochEnd: (log) => sample('distill', log.epoch + 1) },
});
student.dispose();
sample('after distill', epochs);

let run = 0;
await searchAlpha({
  runtime,
  teacher: teacher(),
  makeStudent,
  data: { x, y },
  validation: { x: valX, y: valY },
  alphas: Array.from({ length: alphaCount }, (_, i) => i / Math.max(1, alphaCount - 1)),
  seeds: [0, 1],
  epochs: 10,
  batchSize: BATCH,
  metric: 'val_loss',
  onRun: () => sample('search', ++run),
});
sample('after search', run);
tf.dispose([x, y, valX, valY]);
sample('disposed', 0);

/** Least-squares slope of `key` against the distill epoch over the second half of the distill samples. */
function slope(key) {
  const d = samples.filter((s) => s.phase === 'distill' && s.step > epochs / 2);
  const mx = d.reduce((a, s) => a + s.step, 0) / d.length;
  const my = d.reduce((a, s) => a + s[key], 0) / d.length;
  const num = d.reduce((a, s) => a + (s.step - mx) * (s[key] - my), 0);
  const den = d.reduce((a, s) => a + (s.step - mx) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 100;
}

const pick = (phase, which) => {
  const list = samples.filter((s) => s.phase === phase);
  return which === 'first' ? list[0] : list[list.length - 1];
};
const summary = {
  runtime: runtimeName,
  epochs,
  searchRuns: run,
  seconds: samples[samples.length - 1].seconds,
  rows: {
    'distill epoch 1': pick('distill', 'first'),
    [`distill epoch ${epochs}`]: pick('distill', 'last'),
    'search run 1': pick('search', 'first'),
    [`search run ${run}`]: pick('search', 'last'),
    'after disposing the data': pick('disposed', 'last'),
  },
  peak: {
    tensors: Math.max(...samples.map((s) => s.tensors)),
    rssMB: Math.max(...samples.map((s) => s.rssMB)),
  },
  per100Epochs: { tensors: slope('tensors'), bytes: slope('bytes'), rssMB: slope('rssMB'), heapMB: slope('heapMB') },
};

if (json) {
  console.log(JSON.stringify({ summary, samples }, null, 2));
} else {
  console.log(`soak on ${runtimeName}: ${epochs} epochs + ${run} search runs in ${summary.seconds.toFixed(0)} s`);
  console.log('| point | tensors | tensor bytes | RSS MB | JS heap MB |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [label, s] of Object.entries(summary.rows))
    console.log(`| ${label} | ${s.tensors} | ${s.bytes} | ${s.rssMB.toFixed(1)} | ${s.heapMB.toFixed(1)} |`);
  const p = summary.per100Epochs;
  console.log(
    `growth per 100 epochs (fit over epochs ${Math.floor(epochs / 2)}–${epochs}): tensors ${p.tensors.toFixed(2)}, bytes ${p.bytes.toFixed(0)}, RSS ${p.rssMB.toFixed(2)} MB, heap ${p.heapMB.toFixed(2)} MB`,
  );
}
