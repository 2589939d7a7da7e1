#!/usr/bin/env node
// Memory and time per row of distilling from a CSV file streamed in batches (`csvStream`, built on
// core's `streamingData`) as the file grows (10k → 100k → 1M rows by default), against the same
// file read whole into tensors (`readCsv`), the baseline, at every size where that fits. Every
// measurement runs in its own child process so the peaks (RSS, tfjs bytes) do not mix; the
// modes alternate order from one size to the next. A bare process (tfjs-node started, nothing
// trained) gives the RSS floor. The CSV files are written to a temporary folder, one size at a
// time, and deleted after it.
//
//   node bench/streaming-memory.mjs [--quick] [--sizes 10000,100000,1000000] [--memory-up-to N]
//                                   [--features 32] [--epochs 2] [--json]
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLine, machine } from './machine.mjs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const BATCH = 256;

if (argv[0] === '--child') {
  await child(argv[1], argv[2], Number(argv[3]), Number(argv[4]));
} else {
  await main();
}

async function main() {
  const sizes = arg('sizes', quick ? '1000,10000' : '10000,100000,1000000')
    .split(',')
    .map(Number);
  const memoryUpTo = Number(arg('memory-up-to', Infinity));
  const features = Number(arg('features', 32));
  const epochs = Number(arg('epochs', quick ? 1 : 2));
  const json = argv.includes('--json');
  const loadAtStart = machine().loadAverage;
  const dir = await mkdtemp(join(tmpdir(), 'kd-bench-stream-'));
  const results = [];
  let bare;
  try {
    bare = run(dir, 'bare', '-', features, epochs);
    for (const [k, rows] of sizes.entries()) {
      const csv = join(dir, `rows-${rows}.csv`);
      await writeCsv(csv, rows, features);
      const modes = rows <= memoryUpTo ? ['memory', 'stream'] : ['stream'];
      const byMode = { rows };
      for (const mode of k % 2 === 0 ? modes : [...modes].reverse()) {
        const loadBefore = machine().loadAverage;
        byMode[mode] = { ...run(dir, mode, csv, features, epochs), load: loadBefore };
        byMode[mode].secondsPerMillionRows = (byMode[mode].seconds / (rows * epochs)) * 1e6;
      }
      results.push(byMode);
      // This size's file and teacher caches go before the next, larger file is written.
      await rm(csv, { force: true });
      for (const mode of modes) await rm(join(dir, `cache-${mode}`), { recursive: true, force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const first = results[0].stream;
  const last = results.at(-1).stream;
  const flat = {
    rowsGrowth: results.at(-1).rows / results[0].rows,
    streamPeakRssGrowth: last.peakRss / first.peakRss,
    streamPeakRssAboveBareGrowth: (last.peakRss - bare.peakRss) / (first.peakRss - bare.peakRss),
    streamPeakTensorBytesGrowth: last.peakTensorBytes / first.peakTensorBytes,
  };
  const report = {
    when: new Date().toISOString(),
    quick,
    features,
    epochs,
    batchSize: BATCH,
    machine: machine(),
    load: { start: loadAtStart, end: machine().loadAverage },
    bare,
    results,
    flat,
  };
  if (json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MB`;
  console.log(
    `distilling a 32-8-1 MLP from CSV files of ${features} features, ${epochs} epoch(s), batch ${BATCH}, nodeRuntime (teacher outputs in its disk cache)`,
  );
  console.log(`bare process (tfjs-node started, nothing trained): peak RSS ${mb(bare.peakRss)}\n`);
  console.log(
    '| rows | mode | µs per row | peak RSS | peak RSS above bare | peak JS heap | peak tfjs bytes | peak tensors | final loss | load at start |',
  );
  console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of results) {
    for (const mode of ['memory', 'stream']) {
      const m = r[mode];
      if (!m) continue;
      console.log(
        `| ${r.rows.toLocaleString('en-US')} | ${mode === 'memory' ? 'in memory (readCsv)' : 'streamed (csvStream)'} | ${m.secondsPerMillionRows.toFixed(1)} | ${mb(m.peakRss)} | ${mb(m.peakRss - bare.peakRss)} | ${mb(m.peakHeap)} | ${mb(m.peakTensorBytes)} | ${m.peakTensors} | ${m.loss.toFixed(4)} | ${loadLine(m.load)} |`,
      );
    }
    if (r.memory)
      console.log(
        `|  | streamed / in memory | ×${(r.stream.seconds / r.memory.seconds).toFixed(2)} | ×${(r.stream.peakRss / r.memory.peakRss).toFixed(2)} |  |  | ×${(r.stream.peakTensorBytes / r.memory.peakTensorBytes).toFixed(3)} |  |  |  |`,
      );
  }
  console.log(
    `\nrows ×${flat.rowsGrowth}: streamed peak RSS ×${flat.streamPeakRssGrowth.toFixed(2)} (above bare ×${flat.streamPeakRssAboveBareGrowth.toFixed(2)}), streamed peak tfjs bytes ×${flat.streamPeakTensorBytesGrowth.toFixed(2)}`,
  );
  console.log(
    `load average (1, 5, 15 min): ${loadLine(report.load.start)} at the start, ${loadLine(report.load.end)} at the end`,
  );
}

function run(dir, mode, csv, features, epochs) {
  const out = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '--child', mode, csv, String(features), String(epochs)],
    { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' }, cwd: dir, maxBuffer: 1 << 24 },
  );
  if (out.status !== 0) throw new Error(`${mode} run on ${csv} failed:\n${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').at(-1));
}

/** A CSV of `rows` rows: `features` uniform columns and a 0/1 label from their sign-weighted sum. */
async function writeCsv(path, rows, features) {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const out = createWriteStream(path);
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
  await write(`${Array.from({ length: features }, (_, j) => `f${j}`).join(',')},label\n`);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const row = Array.from({ length: features }, random);
    const score = row.reduce((a, v, j) => a + (j % 2 ? -v : v), 0);
    chunk += `${row.map((v) => v.toFixed(4)).join(',')},${score > 0 ? 1 : 0}\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise((r) => out.end(r));
}

async function child(mode, csv, features, epochs) {
  const tf = await import('@tensorflow/tfjs-core');
  const tfl = await import('@tensorflow/tfjs-layers');
  const { distill, teacher } = await import('@kd/core');
  const { nodeRuntime, readCsv, csvStream } = await import('@kd/node');
  const runtime = nodeRuntime({ cacheDir: join(process.cwd(), `cache-${mode}`) });
  await runtime.init();
  const peaks = { peakRss: 0, peakHeap: 0, peakTensorBytes: 0, peakTensors: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peaks.peakHeap = Math.max(peaks.peakHeap, m.heapUsed);
    peaks.peakTensorBytes = Math.max(peaks.peakTensorBytes, tf.memory().numBytes);
    peaks.peakTensors = Math.max(peaks.peakTensors, tf.memory().numTensors);
  };
  // The operating system's high-water mark of the process's resident memory, in bytes.
  const maxRss = () => process.resourceUsage().maxRSS * 1024;
  if (mode === 'bare') {
    tf.dispose(tf.add(tf.ones([BATCH, features]), 1));
    sample();
    console.log(JSON.stringify({ ...peaks, peakRss: maxRss() }));
    return;
  }
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
  const data =
    mode === 'memory'
      ? await readCsv(csv, { label: 'label' })
      : await csvStream(csv, { label: 'label', batchSize: BATCH });
  sample();
  const result = await distill({
    runtime,
    teacher: t,
    student,
    data: mode === 'memory' ? { x: data.x, y: data.y } : data,
    epochs,
    ...(mode === 'memory' ? { batchSize: BATCH, shuffle: false } : {}),
    callbacks: { onBatchEnd: sample },
  });
  sample();
  console.log(
    JSON.stringify({
      ...peaks,
      peakRss: maxRss(),
      seconds: (performance.now() - started) / 1000,
      loss: result.history.at(-1).loss,
    }),
  );
}
