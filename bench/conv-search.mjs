#!/usr/bin/env node
// kd's α search on the Keras knowledge-distillation example's conv pair, one run after another
// against `parallel: true` (and, with --halving, `parallel: true` with successive halving), on the
// same Fashion-MNIST T-shirt/top vs Shirt rows, students and teacher as keras-side-by-side.mjs's
// conv-sweep-3seeds case (whose Keras side this script does not run). Each search is timed end to
// end with a fresh teacher cache, so each includes one teacher pass; that pass is also timed alone.
//
//   node bench/conv-search.mjs [--rows 12000] [--val-rows 2000] [--epochs 3] [--seeds 3] [--halving] [--out file.json]
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MemoryTeacherCache, searchAlpha } from '@kd/core';
import { nodeRuntime, readIdx } from '@kd/node';
import { writeJson } from './write-json.mjs';
import { buildBenchModel } from './models.mjs';

const FASHION = process.env.KD_FASHION_MNIST_DIR || '/usr/share/datasets/fashion-mnist';
const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const rows = Number(arg('rows', 12000));
const valRows = Number(arg('val-rows', 2000));
const epochs = Number(arg('epochs', 3));
const seeds = Array.from({ length: Number(arg('seeds', 3)) }, (_, i) => i);
const alphas = Array.from({ length: 11 }, (_, i) => i / 10);
const halving = argv.includes('--halving');
const out = arg('out', undefined);

/** The first `limit` T-shirt (0) / Shirt (6) rows in file order, as keras-side-by-side.mjs reads them. */
async function tshirtVsShirt(images, labels, limit) {
  const x = await readIdx(join(FASHION, images));
  const y = await readIdx(join(FASHION, labels));
  const keep = [];
  for (let i = 0; i < y.values.length && keep.length < limit; i++)
    if (y.values[i] === 0 || y.values[i] === 6) keep.push(i);
  const values = new Float32Array(keep.length * 784);
  const scale = Math.fround(1 / 255);
  keep.forEach((row, k) => {
    for (let j = 0; j < 784; j++) values[k * 784 + j] = Math.fround(x.values[row * 784 + j] * scale);
  });
  return {
    x: tf.tensor4d(values, [keep.length, 28, 28, 1]),
    y: tf.tensor1d(Float32Array.from(keep, (row) => (y.values[row] === 6 ? 1 : 0))),
  };
}

/** keras-side-by-side.mjs's conv architectures: teacher Conv 256/512, student Conv 16/32. */
const build = (teacher, seed) => buildBenchModel(teacher ? 'conv-teacher' : 'conv-student', seed);

const runtime = nodeRuntime({ cache: new MemoryTeacherCache() });
const info = await runtime.init();
const data = await tshirtVsShirt('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', rows);
const validation = await tshirtVsShirt('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', valRows);
const teacher = build(true, 1000);

let started = performance.now();
for (let i = 0; i < data.x.shape[0]; i += 256) {
  const batch = tf.slice(data.x, [i, 0, 0, 0], [Math.min(256, data.x.shape[0] - i), -1, -1, -1]);
  const outputs = teacher.predict(batch);
  await outputs.data();
  tf.dispose([batch, outputs]);
}
const teacherSeconds = (performance.now() - started) / 1000;

const modes = [
  ['sequential', {}],
  ['parallel', { parallel: true }],
  ...(halving ? [['parallel + halving', { parallel: true, successiveHalving: { eta: 3, minEpochs: 1 } }]] : []),
];
const results = {};
for (const [name, extra] of modes) {
  started = performance.now();
  const result = await searchAlpha({
    runtime: { ...runtime, cache: new MemoryTeacherCache() },
    teacher,
    makeStudent: (seed) => build(false, seed),
    data,
    validation,
    alphas,
    seeds,
    epochs,
    batchSize: 32,
    metrics: ['auc'],
    // The parallel search does not look for dead runs: neither does the sequential one here, so
    // both train the same 11 × seeds runs (no retries).
    deadRun: false,
    ...extra,
  });
  const seconds = (performance.now() - started) / 1000;
  results[name] = { seconds, best: result.best.alpha, runs: result.runs, epochsTrained: result.halving?.epochsTrained };
  console.log(`${name}: ${seconds.toFixed(1)} s, best α ${result.best.alpha}`);
}
const sequential = results.sequential;
const parallel = results.parallel;
const maxDifference = Math.max(...parallel.runs.map((r, i) => Math.abs(r.value - sequential.runs[i].value)));
console.log(
  `rows ${data.x.shape[0]}, ${alphas.length} α × ${seeds.length} seeds × ${epochs} epochs; teacher pass alone ${teacherSeconds.toFixed(1)} s`,
);
console.log(
  `parallel / sequential ×${(sequential.seconds / parallel.seconds).toFixed(2)} end to end, ` +
    `×${((sequential.seconds - teacherSeconds) / (parallel.seconds - teacherSeconds)).toFixed(2)} without the teacher pass; ` +
    `largest |val_auc difference| of a run ${maxDifference.toExponential(2)}`,
);
if (out)
  await writeJson(out, {
    when: new Date().toISOString(),
    rows: data.x.shape[0],
    valRows: validation.x.shape[0],
    epochs,
    seeds: seeds.length,
    alphas: alphas.length,
    teacherSeconds,
    kd: info,
    results: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { ...v, runs: undefined }])),
    maxDifference,
  });
tf.dispose([data.x, data.y, validation.x, validation.y]);
teacher.dispose();
