#!/usr/bin/env node
// Where a training step's time goes on @kd/node: kernels per step by name (counted through the
// engine with tf.profile), the time inside them (tf.profile's kernelTimeMs, taken around each
// kernel's synchronous call into TensorFlow) and wall time per step. For the MLP student 784-8-1
// (batch 64, the default): training from scratch, distillation from cached teacher outputs on the
// fused one-cross-entropy step (T = 1), and the same distillation on the two-cross-entropy path
// (T = 1 + 1e-6 takes it). --model mlp-teacher | conv-student | conv-teacher profiles training
// that model from scratch (the Keras-example conv pair at batch 32, the MLP teacher at batch 64,
// the architectures of bench/keras-side-by-side.mjs).
//
//   node bench/profile-step.mjs [--model mlp-student] [--rows 6400] [--json]
// For a JavaScript-side CPU profile: node --cpu-prof --cpu-prof-dir bench/results bench/profile-step.mjs
import * as tf from '@tensorflow/tfjs-core';
import { distill, MemoryTeacherCache, precomputedTeacher, trainFromScratch } from '@kd/core';
import { nodeRuntime } from '@kd/node';
import { ARCHITECTURES, buildBenchModel } from './models.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const model = option('model', 'mlp-student');
if (!ARCHITECTURES.includes(model)) throw new Error(`--model ${model}: use one of ${ARCHITECTURES.join(', ')}`);
const conv = model.startsWith('conv');
const rows = Number(option('rows', model === 'conv-teacher' ? 640 : 6400));
const BATCH = conv ? 32 : 64;

const student = () => buildBenchModel(model, 0);

const runtime = nodeRuntime({ cache: new MemoryTeacherCache() });
await runtime.init();
const x = tf.randomUniform(conv ? [rows, 28, 28, 1] : [rows, 784], 0, 1, 'float32', 7);
const y = tf.tidy(() => tf.cast(tf.greater(tf.reshape(tf.mean(tf.reshape(x, [rows, -1]), 1), [rows]), 0.5), 'float32'));
const logits = Float32Array.from({ length: rows }, (_, r) => Math.sin(r));
const teacher = precomputedTeacher(logits, { output: 'logits', shape: [rows, 1] });
const steps = Math.ceil(rows / BATCH);

const variants = {
  scratch: (s) => trainFromScratch({ runtime, student: s, data: { x, y }, epochs: 1, batchSize: BATCH }),
  'distill, fused (T = 1)': (s) =>
    distill({ runtime, teacher, student: s, data: { x, y }, epochs: 1, batchSize: BATCH, alpha: 0.5 }),
  'distill, two cross-entropies (T = 1 + 1e-6)': (s) =>
    distill({
      runtime,
      teacher,
      student: s,
      data: { x, y },
      epochs: 1,
      batchSize: BATCH,
      alpha: 0.5,
      temperature: 1 + 1e-6,
    }),
};

if (model !== 'mlp-student') for (const name of Object.keys(variants)) if (name !== 'scratch') delete variants[name];

const report = {};
for (const [name, go] of Object.entries(variants)) {
  const warm = student();
  await go(warm); // kernel set-up, teacher outputs into the cache
  warm.dispose();
  const counted = student();
  const profile = await tf.profile(() => go(counted));
  counted.dispose();
  const byName = {};
  const msByName = {};
  // A name ending in __op is a scope around other kernels (a custom-gradient op), not a kernel.
  const kernels = profile.kernels.filter((k) => !k.name.endsWith('__op'));
  for (const k of kernels) {
    byName[k.name] = (byName[k.name] ?? 0) + 1;
    msByName[k.name] = (msByName[k.name] ?? 0) + (Number(k.kernelTimeMs) || 0);
  }
  const kernelMs = Object.values(msByName).reduce((a, b) => a + b, 0);
  // Kernel time by name, largest first, as ms per step (those above 1% of the kernels' total).
  const msPerStepByName = Object.fromEntries(
    Object.entries(msByName)
      .map(([k, ms]) => [k, Math.round((ms / steps) * 1000) / 1000])
      .filter(([k]) => msByName[k] >= kernelMs / 100)
      .sort((a, b) => b[1] - a[1]),
  );
  const perStep = Object.fromEntries(
    Object.entries(byName)
      .map(([k, n]) => [k, Math.round((n / steps) * 10) / 10])
      .filter(([, n]) => n >= 0.5)
      .sort((a, b) => b[1] - a[1]),
  );
  report[name] = {
    kernelsPerStep: kernels.length / steps,
    // Identity only shares the buffer on tfjs-node (no call into TensorFlow).
    nativeKernelsPerStep: (kernels.length - (byName.Identity ?? 0)) / steps,
    perStep,
    kernelMsPerStep: kernelMs / steps,
    msPerStepByName,
    ms: [],
  };
}

// Wall time per step: the variants interleaved, 5 rounds, median (machine noise hits all alike).
for (let round = 0; round < 5; round++) {
  for (const [name, go] of Object.entries(variants)) {
    const timed = student();
    const started = performance.now();
    await go(timed);
    report[name].ms.push((performance.now() - started) / steps);
    timed.dispose();
  }
}
for (const r of Object.values(report)) r.msPerStep = [...r.ms].sort((a, b) => a - b)[2];

if (argv.includes('--json')) console.log(JSON.stringify({ model, rows, batch: BATCH, steps, report }, null, 2));
else {
  for (const [name, r] of Object.entries(report)) {
    console.log(
      `${model}, ${name}: ${r.kernelsPerStep.toFixed(1)} kernels/step (${r.nativeKernelsPerStep.toFixed(1)} calls into TensorFlow), ` +
        `${r.msPerStep.toFixed(2)} ms/step, ${r.kernelMsPerStep.toFixed(2)} ms in kernels while profiled (slower)`,
    );
    console.log(
      `  time: ${Object.entries(r.msPerStepByName)
        .map(([k, ms]) => `${k} ${ms} ms`)
        .join(', ')}`,
    );
    console.log(
      `  ${Object.entries(r.perStep)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
  }
}
tf.dispose([x, y]);
