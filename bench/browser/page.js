/* global document, window, navigator */ // This module runs in the page.
// The page bench/browser-steps.mjs opens: the MLP distillation of bench/steps-per-second.mjs on
// @kd/browser (webgl), @kd/wasm and tfjs's cpu kernels, one after another in this page.
// `window.kdBench(options)` runs the rounds and returns every sample.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { distill, MemoryTeacherCache, precomputedTeacher } from '@kd/core';
import { cpuRuntime } from '@kd/core/cpu';
import { browserRuntime } from '@kd/browser';
import { wasmRuntime } from '@kd/wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

const wasmPaths = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
};

// A runtime switches to its backend once, when it starts: a fresh one per measurement.
const RUNTIMES = {
  cpu: () => cpuRuntime(),
  webgl: () => browserRuntime(),
  wasm: () => wasmRuntime({ wasmPaths }),
};

const WORKLOADS = {
  'MLP pair 784-128-64-1 → 784-8-1, batch 64, teacher pass included': { student: [8], teacher: [128, 64] },
  'student 784-8-1 from precomputed teacher outputs, batch 64': { student: [8] },
};
const FEATURES = 784;
const BATCH = 64;

function build(hidden, seed) {
  const layers = hidden.map((units, i) =>
    tfl.layers.dense({
      ...(i === 0 ? { inputShape: [FEATURES] } : {}),
      units,
      activation: 'relu',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + i + 1 }),
    }),
  );
  layers.push(tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 99 }) }));
  return tfl.sequential({ layers });
}

/** Samples per second of one epoch of `steps` batches, after a warm-up epoch (shaders, kernels). */
async function measure(name, workload, steps) {
  const runtime = RUNTIMES[name]();
  const info = await runtime.init();
  const rows = steps * BATCH;
  const x = tf.randomUniform([rows, FEATURES], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.mean(x, 1), 0.5), 'float32'));
  const teacherModel = workload.teacher ? build(workload.teacher, 1000) : undefined;
  const teacher =
    teacherModel ??
    precomputedTeacher(
      Float32Array.from({ length: rows }, (_, i) => (i % 7) / 7),
      { output: 'probabilities', shape: [rows, 1] },
    );
  const student = build(workload.student, 0);
  // A fresh cache per call: with a teacher model, every call runs the teacher over the rows once.
  const run = () =>
    distill({
      runtime: { ...runtime, cache: new MemoryTeacherCache() },
      teacher,
      student,
      data: { x, y },
      epochs: 1,
      batchSize: BATCH,
      alpha: 0.5,
    });
  const warmStarted = performance.now();
  await run();
  const warmSeconds = (performance.now() - warmStarted) / 1000;
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  student.dispose();
  teacherModel?.dispose();
  tf.dispose([x, y]);
  return { samplesPerSecond: rows / seconds, seconds, warmSeconds, backend: tf.getBackend(), info };
}

window.kdBench = async ({ rounds, steps }) => {
  const status = document.getElementById('status');
  const results = {};
  const infos = {};
  for (const [label, workload] of Object.entries(WORKLOADS)) {
    const samples = Object.fromEntries(Object.keys(RUNTIMES).map((k) => [k, []]));
    for (let r = 0; r < rounds; r++) {
      const order = Object.keys(RUNTIMES);
      for (const name of r % 2 === 0 ? order : order.reverse()) {
        status.textContent = `${label}: ${name}, round ${r + 1} of ${rounds}`;
        const m = await measure(name, workload, steps);
        if (m.backend !== name) throw new Error(`the ${name} runtime ran on ${m.backend}`);
        samples[name].push(m);
        infos[name] = m.info;
      }
    }
    results[label] = samples;
  }
  const gl = document.createElement('canvas').getContext('webgl2');
  const debug = gl?.getExtension('WEBGL_debug_renderer_info');
  const renderer = debug ? gl.getParameter(debug.UNMASKED_RENDERER_WEBGL) : gl?.getParameter(gl.RENDERER);
  status.textContent = 'done';
  return {
    results,
    runtimes: JSON.parse(JSON.stringify(infos)),
    webglRenderer: renderer ?? null,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    userAgent: navigator.userAgent,
    tfjs: tf.version_core,
  };
};
document.getElementById('status').textContent = 'ready';
