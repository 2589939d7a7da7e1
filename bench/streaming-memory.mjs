#!/usr/bin/env node
// Memory of distilling from a CSV file read whole into tensors vs streamed in batches, in one run:
// the in-memory run is the baseline and the streamed run's peaks are printed as ratios against it.
// Each mode runs in its own child process so the peaks (RSS, tfjs bytes) do not mix.
//
//   node bench/streaming-memory.mjs [--rows 200000] [--features 32] [--epochs 2] [--json]
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4], Number(process.argv[5]), Number(process.argv[6]));
} else {
  await main();
}

async function main() {
  const rows = arg('rows', 200_000);
  const features = arg('features', 32);
  const epochs = arg('epochs', 2);
  const dir = await mkdtemp(join(tmpdir(), 'kd-bench-'));
  try {
    const csv = join(dir, 'data.csv');
    await writeCsv(csv, rows, features);
    const results = {};
    for (const mode of ['memory', 'stream']) {
      const out = spawnSync(
        process.execPath,
        [fileURLToPath(import.meta.url), '--child', mode, csv, String(features), String(epochs)],
        { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' }, cwd: dir },
      );
      if (out.status !== 0) throw new Error(`${mode} run failed:\n${out.stderr}`);
      results[mode] = JSON.parse(out.stdout.trim().split('\n').at(-1));
    }
    const ratio = (k) => results.stream[k] / results.memory[k];
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify({ rows, features, epochs, results }, null, 2));
      return;
    }
    const mb = (b) => `${(b / 2 ** 20).toFixed(2)} MB`;
    console.log(
      `distilling ${rows.toLocaleString('en-US')} rows × ${features} features from CSV, ${epochs} epochs, nodeRuntime (teacher outputs in its disk cache)\n`,
    );
    console.log('                         in memory    streamed    streamed / in memory');
    for (const [label, key] of [
      ['peak RSS', 'peakRss'],
      ['peak tfjs bytes', 'peakTensorBytes'],
      ['peak JS heap', 'peakHeap'],
    ]) {
      console.log(
        `  ${label.padEnd(20)} ${mb(results.memory[key]).padStart(11)} ${mb(results.stream[key]).padStart(11)}    ×${ratio(key).toFixed(2)}`,
      );
    }
    console.log(
      `  ${'seconds'.padEnd(20)} ${results.memory.seconds.toFixed(1).padStart(11)} ${results.stream.seconds.toFixed(1).padStart(11)}    ×${ratio('seconds').toFixed(2)}`,
    );
    console.log(
      `  ${'final loss'.padEnd(20)} ${results.memory.loss.toFixed(4).padStart(11)} ${results.stream.loss.toFixed(4).padStart(11)}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A CSV of `rows` rows: `features` uniform columns and a 0/1 label from their sign-weighted sum. */
async function writeCsv(path, rows, features) {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const out = createWriteStream(path);
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
  await write(`${Array.from({ length: features }, (_, j) => `f${j}`).join(',')},label\n`);
  for (let i = 0; i < rows; i++) {
    const row = Array.from({ length: features }, random);
    const score = row.reduce((a, v, j) => a + (j % 2 ? -v : v), 0);
    await write(`${row.map((v) => v.toFixed(4)).join(',')},${score > 0 ? 1 : 0}\n`);
  }
  await new Promise((r) => out.end(r));
}

async function child(mode, csv, features, epochs) {
  const tf = await import('@tensorflow/tfjs-core');
  const tfl = await import('@tensorflow/tfjs-layers');
  const { distill, teacher } = await import('@kd/core');
  const { nodeRuntime, readCsv, csvStream } = await import('@kd/node');
  const runtime = nodeRuntime({ cacheDir: join(process.cwd(), `cache-${mode}`) });
  await runtime.init();
  const peaks = { peakRss: 0, peakHeap: 0, peakTensorBytes: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peaks.peakRss = Math.max(peaks.peakRss, m.rss);
    peaks.peakHeap = Math.max(peaks.peakHeap, m.heapUsed);
    peaks.peakTensorBytes = Math.max(peaks.peakTensorBytes, tf.memory().numBytes);
  };
  const weights = tf.tensor2d(Array.from({ length: features }, (_, j) => [j % 2 ? -1 : 1]));
  const t = teacher((x) => tf.mul(tf.matMul(x, weights), 2), { output: 'logits', id: 'bench-linear-teacher' });
  const student = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [features],
        units: 8,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  const started = performance.now();
  let data;
  if (mode === 'memory') {
    data = await readCsv(csv, { label: 'label' });
  } else {
    data = await csvStream(csv, { label: 'label', batchSize: 256 });
  }
  sample();
  const result = await distill({
    runtime,
    teacher: t,
    student,
    data: mode === 'memory' ? { x: data.x, y: data.y } : data,
    epochs,
    ...(mode === 'memory' ? { batchSize: 256, shuffle: false } : {}),
    callbacks: { onBatchEnd: sample },
  });
  sample();
  console.log(
    JSON.stringify({ ...peaks, seconds: (performance.now() - started) / 1000, loss: result.history.at(-1).loss }),
  );
}
