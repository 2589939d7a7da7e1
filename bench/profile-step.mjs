#!/usr/bin/env node
// Where a training step's time goes for the MLP student 784-8-1 (batch 64) on @kd/node: kernels
// per step by name (counted through the engine with tf.profile) and wall time per step, for
// training from scratch, distillation from cached teacher outputs on the fused one-cross-entropy
// step (T = 1), and the same distillation on the two-cross-entropy path (T = 1 + 1e-6 takes it).
//
//   node bench/profile-step.mjs [--rows 6400] [--json]
// For a JavaScript-side CPU profile: node --cpu-prof --cpu-prof-dir bench/results bench/profile-step.mjs
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { distill, MemoryTeacherCache, precomputedTeacher, trainFromScratch } from '@kd/core';
import { nodeRuntime } from '@kd/node';

const argv = process.argv.slice(2);
const i = argv.indexOf('--rows');
const rows = i >= 0 ? Number(argv[i + 1]) : 6400;
const BATCH = 64;

function student() {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [784],
        units: 8,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
}

const runtime = nodeRuntime({ cache: new MemoryTeacherCache() });
await runtime.init();
const x = tf.randomUniform([rows, 784], 0, 1, 'float32', 7);
const y = tf.tidy(() => tf.cast(tf.greater(tf.mean(x, 1), 0.5), 'float32'));
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

const report = {};
for (const [name, go] of Object.entries(variants)) {
  const warm = student();
  await go(warm); // kernel set-up, teacher outputs into the cache
  warm.dispose();
  const counted = student();
  const profile = await tf.profile(() => go(counted));
  counted.dispose();
  const byName = {};
  for (const k of profile.kernels) byName[k.name] = (byName[k.name] ?? 0) + 1;
  const perStep = Object.fromEntries(
    Object.entries(byName)
      .map(([k, n]) => [k, Math.round((n / steps) * 10) / 10])
      .filter(([, n]) => n >= 0.5)
      .sort((a, b) => b[1] - a[1]),
  );
  report[name] = { kernelsPerStep: profile.kernels.length / steps, perStep, ms: [] };
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

if (argv.includes('--json')) console.log(JSON.stringify({ rows, batch: BATCH, steps, report }, null, 2));
else {
  for (const [name, r] of Object.entries(report)) {
    console.log(`${name}: ${r.kernelsPerStep.toFixed(1)} kernels/step, ${r.msPerStep.toFixed(2)} ms/step`);
    console.log(
      `  ${Object.entries(r.perStep)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
  }
}
tf.dispose([x, y]);
