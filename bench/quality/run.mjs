#!/usr/bin/env node
// Quality benchmark: does one small student replace a 5-teacher ensemble? For each task and seed it
// trains the ensemble, a student from scratch, and students distilled at T = 1 (alpha 0.5), from
// out-of-fold ensemble targets, and from out-of-fold targets with the alpha x T search; every choice
// is made on validation rows, every number reported is on test rows. Prints mean ± std, the share
// of the scratch -> ensemble gap closed, and paired wins/losses against scratch per seed.
//
//   node bench/quality/run.mjs [--seeds 5] [--tasks fashion,tabular] [--json] [--smoke]
//                              [--fashion DIR] [--tabular FILE]
//
// Data: Fashion-MNIST from Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist), the
// pair T-shirt/top vs shirt; the Wisconsin breast cancer table shipped in Debian's python3-sklearn
// (sklearn/datasets/data/breast_cancer.csv). --smoke runs a tiny version (one seed, few rows, two
// members and folds) to check the script works; its numbers mean nothing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  distill,
  ensemble,
  evaluateStudent,
  evaluateTeacher,
  gapClosed,
  outOfFoldOutputs,
  searchDistillation,
  teacherSharpness,
  trainFromScratch,
} from '@kd/core';
import { mulberry32, permutation } from '@kd/core/internal';
import { nodeRuntime, readIdxDataset } from '@kd/node';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const smoke = argv.includes('--smoke');
const json = argv.includes('--json');
const seeds = Array.from({ length: Number(option('seeds', smoke ? 1 : 5)) }, (_, i) => i);
const tasks = option('tasks', 'fashion,tabular').split(',');
const fashionDir = option('fashion', '/usr/share/datasets/fashion-mnist');
const tabularFile = option('tabular', '/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv');

const SIZES = smoke
  ? { members: 2, folds: 2, teacherEpochs: 2, studentEpochs: 2, alphas: [0.5], temperatures: [1, 4] }
  : { members: 5, folds: 5, teacherEpochs: 20, studentEpochs: 30, alphas: [0.1, 0.5, 0.9], temperatures: [1, 2, 4, 8] };

const TASKS = {
  fashion: {
    title: 'Fashion-MNIST T-shirt/top (0) vs shirt (6)',
    teacherHidden: [128, 64],
    studentHidden: [6],
    load: loadFashion,
  },
  tabular: {
    title: 'Wisconsin breast cancer (malignant vs benign)',
    teacherHidden: [64, 32],
    studentHidden: [6],
    load: loadBreastCancer,
  },
};

async function loadFashion() {
  const read = async (prefix) =>
    readIdxDataset({
      images: join(fashionDir, `${prefix}-images-idx3-ubyte.gz`),
      labels: join(fashionDir, `${prefix}-labels-idx1-ubyte.gz`),
      channelAxis: false,
    });
  const pair = async (prefix, skip, take) => {
    const d = await read(prefix);
    const labels = await d.y.data();
    const x = await d.x.data();
    const width = x.length / labels.length;
    const rows = [];
    for (let i = 0; i < labels.length && rows.length < skip + take; i++)
      if (labels[i] === 0 || labels[i] === 6) rows.push(i);
    tf.dispose([d.x, d.y]);
    const chosen = rows.slice(skip, skip + take);
    return {
      x: chosen.map((i) => Array.from(x.subarray(i * width, (i + 1) * width))),
      y: chosen.map((i) => (labels[i] === 6 ? 1 : 0)),
    };
  };
  const [nTrain, nVal, nTest] = smoke ? [200, 100, 200] : [3000, 1000, 2000];
  return {
    train: await pair('train', 0, nTrain),
    validation: await pair('train', nTrain, nVal),
    test: await pair('t10k', 0, nTest),
  };
}

async function loadBreastCancer() {
  if (!existsSync(tabularFile))
    throw new Error(`${tabularFile} not found: install Debian's python3-sklearn, or pass --tabular FILE.`);
  const lines = readFileSync(tabularFile, 'utf8').trim().split('\n').slice(1);
  const all = lines.map((l) => l.split(',').map(Number));
  const order = permutation(all.length, mulberry32(2024));
  const rows = Array.from(order, (i) => all[i]);
  const xs = rows.map((r) => r.slice(0, 30));
  // In the file 0 = malignant, 1 = benign; predict malignant.
  const ys = rows.map((r) => 1 - r[30]);
  const cut = smoke ? [150, 250, 350] : [300, 420, 569];
  const slice = (a, b) => ({ x: xs.slice(a, b), y: ys.slice(a, b) });
  const train = slice(0, cut[0]);
  // Standardise with the training rows' statistics only.
  const mean = train.x[0].map((_, c) => train.x.reduce((s, r) => s + r[c], 0) / train.x.length);
  const sd = train.x[0].map((_, c) =>
    Math.sqrt(train.x.reduce((s, r) => s + (r[c] - mean[c]) ** 2, 0) / train.x.length || 1),
  );
  const scale = (d) => ({ x: d.x.map((r) => r.map((v, c) => (v - mean[c]) / sd[c])), y: d.y });
  return { train: scale(train), validation: scale(slice(cut[0], cut[1])), test: scale(slice(cut[1], cut[2])) };
}

function mlp(inputs, hidden, seed, output) {
  const layers = hidden.map((units, i) =>
    tfl.layers.dense({
      ...(i === 0 ? { inputShape: [inputs] } : {}),
      units,
      activation: 'relu',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 101 + i }),
    }),
  );
  layers.push(
    tfl.layers.dense({
      units: 1,
      activation: output,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 101 + 99 }),
    }),
  );
  return tfl.sequential({ layers });
}

/** One teacher: an MLP fit on a seeded reordering of the rows (tfjs's own shuffle is not seeded). */
async function trainMember(x, y, hidden, seed) {
  const n = x.shape[0];
  const order = Array.from(permutation(n, mulberry32(seed + 1)));
  const xs = tf.gather(x, order);
  const ys = tf.reshape(tf.gather(y, order), [n, 1]);
  const model = mlp(x.shape[1], hidden, seed, 'sigmoid');
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
  await model.fit(xs, ys, { epochs: SIZES.teacherEpochs, batchSize: 64, shuffle: false, verbose: 0 });
  tf.dispose([xs, ys]);
  return model;
}

async function trainEnsemble(x, y, hidden, seed) {
  const members = [];
  for (let m = 0; m < SIZES.members; m++) members.push(await trainMember(x, y, hidden, seed * 1000 + m));
  return members;
}

const countParams = (model) => model.countParams();
const METRICS = ['accuracy', 'logLoss'];

async function runTask(runtime, name) {
  const task = TASKS[name];
  const raw = await task.load();
  const toTensors = (d) => ({ x: tf.tensor2d(d.x), y: tf.tensor1d(d.y) });
  const train = toTensors(raw.train);
  const validation = toTensors(raw.validation);
  const test = toTensors(raw.test);
  const features = train.x.shape[1];
  const arms = { ensemble: [], scratch: [], 'distilled T=1': [], '+ OOF': [], '+ OOF + α×T search': [] };
  const chosen = [];
  const sharpness = [];
  let paramRatio;
  const score = async (student) => evaluateStudent(student, test.x, raw.test.y, METRICS);
  const studentOptions = (seed) => ({
    runtime,
    data: train,
    validation,
    epochs: SIZES.studentEpochs,
    batchSize: 32,
    learningRate: 3e-3,
    seed,
    metrics: METRICS,
  });
  const makeStudent = (seed) => mlp(features, task.studentHidden, seed, 'linear');

  for (const seed of seeds) {
    const members = await trainEnsemble(train.x, train.y, task.teacherHidden, seed);
    const teacherEnsemble = ensemble(members);
    const student0 = makeStudent(seed);
    paramRatio = countParams(student0) / members.reduce((s, m) => s + countParams(m), 0);
    student0.dispose();
    // The claim under test is a student of at most 1% of the ensemble (the smoke's 2 members are smaller).
    if (!smoke && paramRatio > 0.01)
      throw new Error(
        `${name}: the student has ${(100 * paramRatio).toFixed(2)}% of the ensemble's parameters; at most 1% is the target.`,
      );
    const ensembleScore = await evaluateTeacher(runtime, teacherEnsemble, test.x, raw.test.y, METRICS);
    arms.ensemble.push(ensembleScore);

    const scratch = await trainFromScratch({ ...studentOptions(seed), student: makeStudent(seed) });
    arms.scratch.push(await score(scratch.student));
    scratch.student.dispose();

    const plain = await distill({ ...studentOptions(seed), teacher: teacherEnsemble, student: makeStudent(seed) });
    arms['distilled T=1'].push(await score(plain.student));
    plain.student.dispose();

    const oof = await outOfFoldOutputs({
      runtime,
      folds: SIZES.folds,
      data: train,
      seed,
      id: `bench-${name}-${JSON.stringify(SIZES)}`,
      trainTeacher: async (x, y, foldSeed) => {
        const foldMembers = await trainEnsemble(x, y, task.teacherHidden, 100 + foldSeed);
        const t = ensemble(foldMembers);
        return Object.assign(t, { dispose: () => foldMembers.forEach((m) => m.dispose()) });
      },
    });
    sharpness.push({
      inFold: await teacherSharpness({ runtime, teacher: teacherEnsemble, data: train }),
      outOfFold: await teacherSharpness({ runtime, teacher: oof.teacher, data: train }),
    });
    const fromOof = await distill({ ...studentOptions(seed), teacher: oof.teacher, student: makeStudent(seed) });
    arms['+ OOF'].push(await score(fromOof.student));
    fromOof.student.dispose();

    const { learningRate, ...searchOptions } = studentOptions(seed);
    delete searchOptions.seed; // the search seeds each run itself, from `seeds`
    const search = await searchDistillation({
      ...searchOptions,
      teacher: oof.teacher,
      makeStudent,
      makeOptimizer: () => tf.train.adam(learningRate, 0.9, 0.999, 1e-7),
      alphas: SIZES.alphas,
      temperatures: SIZES.temperatures,
      seeds: [seed],
      metric: 'val_logLoss',
      select: 'last',
    });
    chosen.push({ seed, alpha: search.best.alpha, temperature: search.best.temperature, dead: search.dead.length });
    const tuned = await distill({
      ...studentOptions(seed),
      teacher: oof.teacher,
      alpha: search.best.alpha,
      temperature: search.best.temperature,
      student: makeStudent(seed),
    });
    arms['+ OOF + α×T search'].push(await score(tuned.student));
    tuned.student.dispose();
    members.forEach((m) => m.dispose());
  }
  tf.dispose([train.x, train.y, validation.x, validation.y, test.x, test.y]);
  return { name, title: task.title, paramRatio, arms, chosen, sharpness };
}

const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v) => (v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1)) : 0);

function summarise(result) {
  const rows = {};
  const at = (arm, metric) => result.arms[arm].map((m) => m[metric]);
  const point = (arm) => ({ accuracy: mean(at(arm, 'accuracy')), logLoss: mean(at(arm, 'logLoss')) });
  for (const arm of Object.keys(result.arms)) {
    const row = {
      accuracy: { mean: mean(at(arm, 'accuracy')), std: std(at(arm, 'accuracy')) },
      logLoss: { mean: mean(at(arm, 'logLoss')), std: std(at(arm, 'logLoss')) },
    };
    if (arm !== 'ensemble' && arm !== 'scratch') {
      row.gapClosed = gapClosed({ scratch: point('scratch'), distilled: point(arm), ensemble: point('ensemble') });
      // Paired per seed against scratch: a win is a lower test log-loss with the same seed.
      const s = at('scratch', 'logLoss');
      const d = at(arm, 'logLoss');
      row.logLossWinsLosses = {
        wins: d.filter((v, i) => v < s[i]).length,
        losses: d.filter((v, i) => v > s[i]).length,
      };
    }
    rows[arm] = row;
  }
  return rows;
}

const fmt = (x) => `${x.mean.toFixed(4)} ± ${x.std.toFixed(4)}`;
const pct = (g) => (g === null ? 'no gap' : `${(100 * g).toFixed(0)}%`);

const runtime = nodeRuntime();
await runtime.init();
const started = Date.now();
const report = [];
for (const name of tasks) {
  if (!TASKS[name]) throw new Error(`Unknown task "${name}"; use ${Object.keys(TASKS).join(', ')}.`);
  const result = await runTask(runtime, name);
  report.push({ ...result, rows: summarise(result) });
}
const seconds = (Date.now() - started) / 1000;
if (json) {
  console.log(JSON.stringify({ smoke, seeds, sizes: SIZES, seconds, tasks: report }, null, 2));
} else {
  for (const r of report) {
    console.log(
      `\n${r.title}: ${seeds.length} seeds, student/ensemble parameters = ${(100 * r.paramRatio).toFixed(2)}%`,
    );
    for (const [arm, row] of Object.entries(r.rows)) {
      const extra = row.gapClosed
        ? `  gap closed acc ${pct(row.gapClosed.accuracy)}, log-loss ${pct(row.gapClosed.logLoss)};` +
          ` log-loss wins/losses ${row.logLossWinsLosses.wins}/${row.logLossWinsLosses.losses}`
        : '';
      console.log(`  ${arm.padEnd(20)} acc ${fmt(row.accuracy)}  log-loss ${fmt(row.logLoss)}${extra}`);
    }
    const gap = (s) => s.meanAbsGap.toFixed(4);
    console.log(
      `  soft targets mean |t − y|: in-fold ${r.sharpness.map((s) => gap(s.inFold)).join(', ')}; out-of-fold ${r.sharpness.map((s) => gap(s.outOfFold)).join(', ')}`,
    );
    console.log(
      `  chosen (α, T) per seed: ${r.chosen.map((c) => `(${c.alpha}, ${c.temperature})${c.dead ? ` ${c.dead} dead` : ''}`).join(', ')}`,
    );
  }
  console.log(`\n${seconds.toFixed(0)} s`);
}
