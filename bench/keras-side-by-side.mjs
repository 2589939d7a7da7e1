#!/usr/bin/env node
// kd on @kd/node against Keras on the same TensorFlow, case by case, alternating the two in one
// invocation (kd, Keras, Keras, kd, ...) so that machine noise hits both alike. Both train on
// Fashion-MNIST T-shirt/top vs Shirt with the same architectures, batch size, optimizer (Adam 1e-3,
// epsilon 1e-7) and epochs; the Keras side (bench/keras/reference.py) runs in the cached Keras venv.
// Prints, per case, the median seconds of each side and kd's speed as a multiple of Keras's; the
// accuracy case prints each side's test accuracy over its seeds instead.
//
//   node bench/keras-side-by-side.mjs [--quick] [--rounds 3] [--rows 12000] [--cases a,b] [--out file.json]
//                                     [--seeds 5] [--teacher-epochs 1] [--student-epochs 3]
//                                     [--alphas 0,0.5,1] [--search-seeds 0] [--keras-eager]
//                                     [--kd-onednn on|off]
//
// --kd-onednn sets kd's TensorFlow oneDNN kernels (`nodeRuntime({ onednn })`); the Keras side
// keeps the environment this script started with (Keras's default unless TF_ENABLE_ONEDNN_OPTS
// was set for both).
// --keras-eager adds a third side to the training cases (fit and distill): Keras with
// run_eagerly=True, op by op as kd runs, to tell how much of a gap is Keras's traced graph.
//
// Cases marked `slow` (hours at full size on 2 cores) run only when named in --cases; --rows
// shrinks them (and every other case named).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { distill, MemoryTeacherCache, searchAlpha, trainFromScratch } from '@kd/core';
import { nodeRuntime, readIdx } from '@kd/node';
import { kerasPython } from '../fixtures/keras-teachers/keras-venv.mjs';
import { loadLine, machine } from './machine.mjs';
import { buildBenchModel as build } from './models.mjs';
import { writeJson } from './write-json.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const FASHION = process.env.KD_FASHION_MNIST_DIR || '/usr/share/datasets/fashion-mnist';
const FILES = [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
];
const NEGATIVE = 0; // T-shirt/top
const POSITIVE = 6; // Shirt
const ALPHAS = Array.from({ length: 11 }, (_, i) => i / 10);

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const quick = flag('quick');
const kerasEager = flag('keras-eager');
const kdOnednn = arg('kd-onednn', undefined);
if (kdOnednn !== undefined && kdOnednn !== 'on' && kdOnednn !== 'off')
  throw new Error(`--kd-onednn takes on or off, not ${kdOnednn}.`);
/** The environment as this script found it: the Keras side's, whatever kd's runtime sets for itself. */
const startEnv = { ...process.env };
const rounds = Number(arg('rounds', quick ? 1 : 3));
const rowsGiven = argv.includes('--rows');
const rows = Number(arg('rows', quick ? 384 : 12000));
const valRows = Number(arg('val-rows', quick ? 128 : 2000));
const out = arg('out', join(here, 'results', quick ? 'keras-side-by-side.quick.json' : 'keras-side-by-side.json'));

/** The cases: the rows of the issue's table. `epochs` etc. shrink in --quick so the whole smoke run stays short. */
const CASES = [
  {
    id: 'conv-teacher',
    label: 'teacher training, Keras-example teacher (Conv 256/512), batch 32',
    kind: 'fit',
    arch: 'conv-teacher',
    batch: 32,
    epochs: 1,
    quickRows: 64,
  },
  {
    id: 'conv-student',
    label: 'student from scratch, Keras-example student (Conv 16/32), batch 32',
    kind: 'fit',
    arch: 'conv-student',
    batch: 32,
    epochs: 1,
  },
  {
    id: 'conv-distill-1',
    label: 'distillation, conv pair, 1 epoch (kd: one teacher pass)',
    kind: 'distill',
    teacher: 'conv-teacher',
    student: 'conv-student',
    batch: 32,
    epochs: 1,
    quickRows: 64,
  },
  {
    id: 'conv-distill-2-cached',
    label: 'distillation, conv pair, 2 epochs, kd teacher outputs cached',
    kind: 'distill',
    teacher: 'conv-teacher',
    student: 'conv-student',
    batch: 32,
    epochs: 2,
    cached: true,
    quickRows: 64,
  },
  {
    id: 'mlp-teacher',
    label: 'teacher training, MLP 784-128-64-1, batch 64',
    kind: 'fit',
    arch: 'mlp-teacher',
    batch: 64,
    epochs: 3,
    quickEpochs: 1,
  },
  {
    id: 'mlp-student',
    label: 'student from scratch, MLP 784-8-1, batch 64',
    kind: 'fit',
    arch: 'mlp-student',
    batch: 64,
    epochs: 3,
    quickEpochs: 2,
  },
  {
    id: 'mlp-distill-cached',
    label: 'distillation, MLP pair, 3 epochs, kd teacher outputs cached',
    kind: 'distill',
    teacher: 'mlp-teacher',
    student: 'mlp-student',
    batch: 64,
    epochs: 3,
    cached: true,
    quickEpochs: 2,
  },
  {
    id: 'mlp-sweep-1seed',
    label: 'α sweep, 11 α × 1 seed × 3 epochs, MLP pair, whole sweep',
    kind: 'sweep',
    teacher: 'mlp-teacher',
    student: 'mlp-student',
    batch: 64,
    epochs: 3,
    alphas: ALPHAS,
    seeds: [0],
    quickAlphas: [0, 0.5, 1],
    quickEpochs: 1,
  },
  {
    id: 'mlp-sweep-3seeds',
    label: 'α search end to end, 11 α × 3 seeds × 3 epochs, MLP pair',
    kind: 'sweep',
    teacher: 'mlp-teacher',
    student: 'mlp-student',
    batch: 64,
    epochs: 3,
    alphas: ALPHAS,
    seeds: [0, 1, 2],
    quickAlphas: [0, 1],
    quickSeeds: [0, 1],
    quickEpochs: 1,
  },
  {
    // The issue's ×10 target. Keras: 33 Distiller fits, the conv teacher called on every step of
    // each. 12,000 rows is ~70 minutes of Keras on 2 cores: run it with --rows to shrink it.
    id: 'conv-sweep-3seeds',
    label: 'α search end to end, 11 α × 3 seeds × 3 epochs, conv pair',
    kind: 'sweep',
    slow: true,
    teacher: 'conv-teacher',
    student: 'conv-student',
    batch: 32,
    epochs: 3,
    alphas: ALPHAS,
    seeds: [0, 1, 2],
    quickRows: 64,
    quickAlphas: [0.5],
    quickSeeds: [0],
    quickEpochs: 1,
  },
  {
    // Accuracy beside speed: per seed, the conv teacher trained, then a student from scratch and a
    // student distilled from that teacher (α = 0.5, T = 1), each scored on the 2,000 test rows.
    // One "round" per seed, alternating which side goes first. Sized for 2 cores: 2,000 training
    // rows, the teacher 1 epoch and the students 3 (--rows, --teacher-epochs, --student-epochs).
    id: 'conv-accuracy',
    label: 'test accuracy, conv pair: teacher, student from scratch, distilled student',
    kind: 'accuracy',
    slow: true,
    teacher: 'conv-teacher',
    student: 'conv-student',
    batch: 32,
    alpha: 0.5,
    defaultRows: 2000,
    teacherEpochs: Number(arg('teacher-epochs', 1)),
    studentEpochs: Number(arg('student-epochs', 3)),
    seeds: Array.from({ length: Number(arg('seeds', quick ? 1 : 5)) }, (_, i) => i),
    quickRows: 64,
    quickTeacherEpochs: 1,
    quickStudentEpochs: 1,
  },
];

/** `--alphas 0,0.5,1` / `--search-seeds 0`: fewer runs in the α-search cases (a same-load check). */
const list = (name) => arg(name, '').split(',').filter(Boolean).map(Number);
const searchSize = (c) =>
  c.alphas
    ? {
        ...(list('alphas').length ? { alphas: list('alphas') } : {}),
        ...(list('search-seeds').length ? { seeds: list('search-seeds') } : {}),
      }
    : {};

function pick(c) {
  const picked = { ...pickSize(c), ...searchSize(c) };
  if (c.alphas && (picked.alphas.length !== c.alphas.length || picked.seeds.length !== c.seeds.length))
    picked.label = `${c.label}, reduced to ${picked.alphas.length} α × ${picked.seeds.length} seed(s)`;
  return picked;
}

function pickSize(c) {
  if (!quick) return { ...c, rows: rowsGiven ? rows : Math.min(rows, c.defaultRows ?? rows) };
  return {
    ...c,
    rows: Math.min(rows, c.quickRows ?? rows),
    epochs: c.quickEpochs ?? c.epochs,
    ...(c.alphas ? { alphas: c.quickAlphas ?? c.alphas, seeds: c.quickSeeds ?? c.seeds } : {}),
    ...(c.kind === 'accuracy' ? { teacherEpochs: c.quickTeacherEpochs, studentEpochs: c.quickStudentEpochs } : {}),
  };
}

/** The first `limit` T-shirt/Shirt rows of an IDX pair, in file order, as kd and Python both read them. */
async function tshirtVsShirt(imagesFile, labelsFile, limit) {
  const images = await readIdx(join(FASHION, imagesFile));
  const labels = await readIdx(join(FASHION, labelsFile));
  const keep = [];
  for (let i = 0; i < labels.values.length && keep.length < limit; i++)
    if (labels.values[i] === NEGATIVE || labels.values[i] === POSITIVE) keep.push(i);
  const x = new Float32Array(keep.length * 784);
  const scale = Math.fround(1 / 255);
  keep.forEach((row, k) => {
    for (let j = 0; j < 784; j++) x[k * 784 + j] = Math.fround(images.values[row * 784 + j] * scale);
  });
  const y = Float32Array.from(keep, (row) => (labels.values[row] === POSITIVE ? 1 : 0));
  return { x, y, rows: keep.length };
}

/** The Python side: one process, one TensorFlow import, one case per line. */
async function startKeras() {
  const child = spawn(
    kerasPython(),
    [join(here, 'keras', 'reference.py'), ...FILES.map((f) => join(FASHION, f)), String(rows), String(valRows)],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...startEnv, PYTHONHASHSEED: '0' } },
  );
  // TensorFlow's start-up chatter stays out of the report; it is shown if the reference fails.
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-20000)));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`the Keras reference exited early:\n${stderr}`);
    return JSON.parse(value);
  };
  const info = await next();
  return {
    info,
    /** The reference's answer: `seconds`, and for some cases more (the accuracy case's accuracies). */
    async run(c) {
      child.stdin.write(`${JSON.stringify(c)}\n`);
      return await next();
    },
    close: () => child.stdin.end(),
  };
}

async function kdSide(data) {
  const runtime = nodeRuntime({
    cache: new MemoryTeacherCache(),
    ...(kdOnednn === undefined ? {} : { onednn: kdOnednn === 'on' }),
  });
  const info = await runtime.init();
  const shape = (n, arch) => (arch.startsWith('conv') ? [n, 28, 28, 1] : [n, 784]);
  const tensors = (n, arch, from = data) => ({
    x: tf.tensor(from.x.subarray(0, n * 784), shape(n, arch)),
    y: tf.tensor1d(from.y.subarray(0, n)),
  });
  const seconds = (started) => (performance.now() - started) / 1000;
  /** Share of `test` rows a model's logit puts on the right side of 0 (as reference.py scores them). */
  const accuracy = async (model, test) => {
    const logits = tf.tidy(() => model.predict(test.x, { batchSize: 256 }));
    const [z, y] = await Promise.all([logits.data(), test.y.data()]);
    logits.dispose();
    let right = 0;
    for (let i = 0; i < y.length; i++) right += Number((z[i] > 0 ? 1 : 0) === y[i]);
    return right / y.length;
  };
  return {
    info,
    /** One case, end to end as a user calls it (building the models excluded): `{ seconds, ... }`. */
    async run(c) {
      const arch = c.student ?? c.arch;
      const train = tensors(c.rows, arch);
      const held = [];
      try {
        if (c.kind === 'fit') {
          const student = build(c.arch, 0);
          held.push(student);
          const started = performance.now();
          await trainFromScratch({ runtime, student, data: train, epochs: c.epochs, batchSize: c.batch, seed: 0 });
          return { seconds: seconds(started) };
        }
        if (c.kind === 'accuracy') return await trainAndTest(c, train, held);
        const teacher = build(c.teacher, 1000);
        held.push(teacher);
        // A fresh cache per measurement: "cached" cases fill it in a run before the timed one.
        const run = { ...runtime, cache: new MemoryTeacherCache() };
        if (c.kind === 'distill') {
          const go = async () => {
            const student = build(c.student, 0);
            held.push(student);
            const started = performance.now();
            await distill({
              runtime: run,
              teacher,
              student,
              data: train,
              epochs: c.epochs,
              batchSize: c.batch,
              alpha: 0.5,
              seed: 0,
            });
            return { seconds: seconds(started) };
          };
          if (c.cached) await go();
          return await go();
        }
        // Validation on the test rows, as the Keras side validates.
        const val = tensors(data.val.rows, arch, data.val);
        held.push({ dispose: () => tf.dispose([val.x, val.y]) });
        const started = performance.now();
        await searchAlpha({
          runtime: run,
          teacher,
          makeStudent: (seed) => build(c.student, seed),
          data: train,
          validation: val,
          alphas: c.alphas,
          seeds: c.seeds,
          epochs: c.epochs,
          batchSize: c.batch,
          metrics: ['auc'],
          ...(c.parallel ? { parallel: true } : {}),
        });
        return { seconds: seconds(started) };
      } finally {
        held.forEach((m) => m.dispose());
        tf.dispose([train.x, train.y]);
      }
    },
  };

  /** The accuracy case for one seed: teacher, student from scratch, distilled student, each scored on the test rows. */
  async function trainAndTest(c, train, held) {
    const seed = c.seed;
    const phaseSeconds = {};
    const teacher = build(c.teacher, 1000 + seed);
    const scratch = build(c.student, seed);
    const student = build(c.student, seed);
    held.push(teacher, scratch, student);
    let started = performance.now();
    await trainFromScratch({
      runtime,
      student: teacher,
      data: train,
      epochs: c.teacherEpochs,
      batchSize: c.batch,
      seed: 1000 + seed,
    });
    phaseSeconds.teacher = seconds(started);
    started = performance.now();
    await trainFromScratch({
      runtime,
      student: scratch,
      data: train,
      epochs: c.studentEpochs,
      batchSize: c.batch,
      seed,
    });
    phaseSeconds.scratch = seconds(started);
    started = performance.now();
    await distill({
      runtime: { ...runtime, cache: new MemoryTeacherCache() },
      teacher,
      student,
      data: train,
      epochs: c.studentEpochs,
      batchSize: c.batch,
      alpha: c.alpha,
      seed,
    });
    phaseSeconds.distilled = seconds(started);
    const test = tensors(data.val.rows, c.student, data.val);
    try {
      return {
        seconds: phaseSeconds.teacher + phaseSeconds.scratch + phaseSeconds.distilled,
        phaseSeconds,
        accuracy: {
          teacher: await accuracy(teacher, test),
          scratch: await accuracy(scratch, test),
          distilled: await accuracy(student, test),
        },
      };
    } finally {
      tf.dispose([test.x, test.y]);
    }
  }
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v) => (v.length < 2 ? 0 : Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1)));
const samplesOf = (c) => c.rows * c.epochs * (c.alphas ? c.alphas.length * c.seeds.length : 1);
const MODELS = ['teacher', 'scratch', 'distilled'];

/** The timing results as BENCHMARKS.md's table. */
function markdownTable(results) {
  const n = (v) => Math.round(v).toLocaleString('en-US');
  const lines = results.some((r) => r.kind !== 'accuracy')
    ? [
        '| case | Keras samples/s | kd node samples/s | kd / Keras | load at start |',
        '| --- | ---: | ---: | ---: | --- |',
      ]
    : [];
  for (const r of results) {
    if (r.kind === 'accuracy') continue;
    lines.push(
      `| ${r.label} | ${n(r.kerasSamplesPerSecond)} | ${n(r.kdSamplesPerSecond)} | ${r.kdOverKeras.toFixed(2)} | ${loadLine(r.load.start)} |`,
    );
    if (r.kdParallelSeconds) {
      const perSecond = (r.kdSamplesPerSecond * r.kdSeconds) / r.kdParallelSeconds;
      lines.push(
        `| same, kd \`parallel: true\` | ${n(r.kerasSamplesPerSecond)} | ${n(perSecond)} | ${r.kdParallelOverKeras.toFixed(2)} |  |`,
      );
    } else if (r.kerasEagerSeconds) {
      const perSecond = (r.kerasSamplesPerSecond * r.kerasSeconds) / r.kerasEagerSeconds;
      lines.push(
        `| same, Keras \`run_eagerly=True\` (op by op) | ${n(perSecond)} | ${n(r.kdSamplesPerSecond)} | ${r.kdOverKerasEager.toFixed(2)} |  |`,
      );
    } else if (r.kdParallelPending) {
      lines.push(`| same, kd \`parallel: true\` | ${n(r.kerasSamplesPerSecond)} | pending | pending |  |`);
    }
  }
  for (const r of results) {
    if (r.kind !== 'accuracy') continue;
    const pct = (s) => `${(100 * s.mean).toFixed(1)} ± ${(100 * s.std).toFixed(1)} %`;
    lines.push(
      '',
      `${r.label} (${r.seeds.length} seeds, ${r.rows} rows, teacher ${r.teacherEpochs} epoch(s), students ${r.studentEpochs}):`,
      '',
      '| model | Keras test accuracy | kd test accuracy | kd − Keras | within noise (\\|Δ\\| ≤ 2 SE) |',
      '| --- | ---: | ---: | ---: | --- |',
    );
    for (const m of MODELS) {
      const a = r.accuracy[m];
      lines.push(
        `| ${m} | ${pct(a.keras)} | ${pct(a.kd)} | ${(100 * a.difference).toFixed(1)} ± ${(100 * a.standardError).toFixed(1)} pts | ${a.withinNoise ? 'yes' : 'no'} |`,
      );
    }
  }
  return lines.join('\n');
}

/** Mean and standard deviation of each side's accuracies, and whether they agree within noise. */
function accuracySummary(samples) {
  return Object.fromEntries(
    MODELS.map((m) => {
      const kd = samples.kd.map((s) => s.accuracy[m]);
      const keras = samples.keras.map((s) => s.accuracy[m]);
      const difference = mean(kd) - mean(keras);
      // Unpaired: the two libraries draw different initial weights and batches from the same seed.
      const standardError = Math.sqrt(std(kd) ** 2 / kd.length + std(keras) ** 2 / keras.length);
      return [
        m,
        {
          kd: { mean: mean(kd), std: std(kd), values: kd },
          keras: { mean: mean(keras), std: std(keras), values: keras },
          difference,
          standardError,
          withinNoise: Math.abs(difference) <= 2 * standardError,
        },
      ];
    }),
  );
}

/** kd's `parallel: true` refusing these students before training (a KdError saying so). */
const refusedParallel = (e) => e?.code === 'KD_INVALID_ARGUMENT' && /parallel: true/.test(e.message);

async function main() {
  const wanted = arg('cases', '')
    .split(',')
    .filter((id) => id);
  const unknown = wanted.filter((id) => !CASES.some((c) => c.id === id));
  if (unknown.length > 0)
    throw new Error(`unknown case(s) ${unknown.join(', ')}; cases: ${CASES.map((c) => c.id).join(', ')}`);
  const cases = CASES.filter((c) => (wanted.length === 0 ? !c.slow : wanted.includes(c.id))).map(pick);
  const loadAtStart = machine().loadAverage;
  const data = await tshirtVsShirt(FILES[0], FILES[1], rows);
  const val = await tshirtVsShirt(FILES[2], FILES[3], valRows);
  data.val = val;
  const keras = await startKeras();
  const kd = await kdSide(data);
  // Warm-up on both sides (not recorded): first-call costs of each library's machinery.
  const warm = { kind: 'fit', arch: 'mlp-student', batch: 64, epochs: 1, rows: Math.min(256, rows) };
  await kd.run(warm);
  await keras.run(warm);

  const results = [];
  for (const c of cases) {
    const caseLoad = machine().loadAverage;
    if (c.kind === 'accuracy') {
      const samples = { kd: [], keras: [] };
      for (const [r, seed] of c.seeds.entries()) {
        const order = r % 2 === 0 ? ['kd', 'keras'] : ['keras', 'kd'];
        for (const side of order)
          samples[side].push(await (side === 'keras' ? keras : kd).run({ ...c, seed, epochs: c.studentEpochs }));
        const [k, p] = [samples.kd.at(-1).accuracy, samples.keras.at(-1).accuracy];
        console.log(
          `  seed ${seed}: kd ${MODELS.map((m) => `${m} ${(100 * k[m]).toFixed(1)}%`).join(', ')} | Keras ${MODELS.map((m) => `${m} ${(100 * p[m]).toFixed(1)}%`).join(', ')}`,
        );
      }
      const row = {
        id: c.id,
        label: c.label,
        kind: c.kind,
        rows: c.rows,
        seeds: c.seeds,
        teacherEpochs: c.teacherEpochs,
        studentEpochs: c.studentEpochs,
        alpha: c.alpha,
        testRows: data.val.rows,
        load: { start: caseLoad, end: machine().loadAverage },
        accuracy: accuracySummary(samples),
        kdSeconds: median(samples.kd.map((s) => s.seconds)),
        kerasSeconds: median(samples.keras.map((s) => s.seconds)),
        samples,
      };
      row.kdOverKeras = row.kerasSeconds / row.kdSeconds;
      results.push(row);
      console.log(
        `${c.label}: seconds per seed, median: kd ${row.kdSeconds.toFixed(1)}, Keras ${row.kerasSeconds.toFixed(1)}`,
      );
      continue;
    }
    // Sweeps also time kd's batched search (parallel: true) against the same Keras runs.
    const sides =
      c.kind === 'sweep' ? ['kd', 'kdParallel', 'keras'] : ['kd', 'keras', ...(kerasEager ? ['kerasEager'] : [])];
    const times = Object.fromEntries(sides.map((s) => [s, []]));
    let parallelPending;
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) {
        if (side === 'kdParallel' && parallelPending) continue;
        try {
          const answer = await (side === 'keras'
            ? keras.run(c)
            : side === 'kerasEager'
              ? keras.run({ ...c, eager: true })
              : kd.run(side === 'kdParallel' ? { ...c, parallel: true } : c));
          times[side].push(answer.seconds);
        } catch (e) {
          if (side !== 'kdParallel' || !refusedParallel(e)) throw e;
          parallelPending = e.message; // recorded as pending: these students cannot be stacked yet
        }
      }
    }
    const kdSeconds = median(times.kd);
    const kerasSeconds = median(times.keras);
    const row = {
      id: c.id,
      label: c.label,
      kind: c.kind,
      rows: c.rows,
      epochs: c.epochs,
      ...(c.alphas ? { runs: c.alphas.length * c.seeds.length } : {}),
      load: { start: caseLoad, end: machine().loadAverage },
      kdSeconds,
      kerasSeconds,
      kdSamplesPerSecond: samplesOf(c) / kdSeconds,
      kerasSamplesPerSecond: samplesOf(c) / kerasSeconds,
      kdOverKeras: kerasSeconds / kdSeconds,
      ...(times.kdParallel?.length
        ? { kdParallelSeconds: median(times.kdParallel), kdParallelOverKeras: kerasSeconds / median(times.kdParallel) }
        : {}),
      ...(parallelPending ? { kdParallelPending: parallelPending } : {}),
      ...(times.kerasEager?.length
        ? { kerasEagerSeconds: median(times.kerasEager), kdOverKerasEager: median(times.kerasEager) / kdSeconds }
        : {}),
      samples: times,
    };
    results.push(row);
    console.log(
      `${c.label}\n  kd ${kdSeconds.toFixed(2)} s (${row.kdSamplesPerSecond.toFixed(0)} samples/s)   Keras ${kerasSeconds.toFixed(2)} s (${row.kerasSamplesPerSecond.toFixed(0)} samples/s)   kd / Keras ×${row.kdOverKeras.toFixed(2)}`,
    );
    if (row.kdParallelSeconds)
      console.log(
        `  kd parallel: true ${row.kdParallelSeconds.toFixed(2)} s   kd / Keras ×${row.kdParallelOverKeras.toFixed(2)}`,
      );
    if (parallelPending) console.log(`  kd parallel: true pending, refused: ${parallelPending}`);
    if (row.kerasEagerSeconds)
      console.log(
        `  Keras run_eagerly=True ${row.kerasEagerSeconds.toFixed(2)} s   kd / Keras eager ×${row.kdOverKerasEager.toFixed(2)}`,
      );
  }
  keras.close();
  const byId = Object.fromEntries(results.map((r) => [r.id, r]));
  // kd's own cost of distilling from cached outputs over training the same student from scratch.
  const scratch = byId['mlp-student'];
  const cached = byId['mlp-distill-cached'];
  const distillOverScratch =
    scratch && cached && scratch.epochs === cached.epochs ? cached.kdSeconds / scratch.kdSeconds : undefined;
  if (distillOverScratch)
    console.log(`kd: MLP distillation (cached teacher) / training from scratch ×${distillOverScratch.toFixed(2)}`);
  const report = {
    when: new Date().toISOString(),
    quick,
    rounds,
    rows,
    valRows,
    machine: machine(),
    load: { start: loadAtStart, end: machine().loadAverage },
    kd: { ...kd.info, tfjs: tf.version_core },
    keras: keras.info,
    results,
    ...(distillOverScratch ? { distillOverScratch } : {}),
  };
  console.log(`\n${markdownTable(results)}`);
  console.log(
    `\nload average (1, 5, 15 min): ${loadLine(report.load.start)} at the start, ${loadLine(report.load.end)} at the end`,
  );
  await writeJson(out, report);
  console.log(`wrote ${out}`);
}

await main();
