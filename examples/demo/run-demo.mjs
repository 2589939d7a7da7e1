// The quick-start demo as a function: distil a teacher ensemble into a tiny student on the embedded
// Fashion-MNIST subset (T-shirt/top vs Shirt), train the same student from scratch, and compare.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  consoleProgress,
  distill,
  ensemble,
  evaluateStudent,
  evaluateTeacher,
  layersStudent,
  searchAlpha,
  teacher,
  trainFromScratch,
} from '@kd/core';
import { loadFashionSubset, toFeatures } from './fashion-subset.mjs';

const METRICS = ['accuracy', 'auc', 'logLoss'];

/** Settings of the full demo; `quick` shrinks every run for tests. */
export const DEMO_SETTINGS = {
  full: { teachers: 3, teacherEpochs: 10, studentEpochs: 20, batchSize: 64 },
  quick: { teachers: 2, teacherEpochs: 2, studentEpochs: 2, batchSize: 128 },
};

function mlp({ hidden, seed, name }) {
  const layers = hidden.map((units, i) =>
    tfl.layers.dense({
      ...(i === 0 ? { inputShape: [784] } : {}),
      units,
      activation: 'relu',
      kernelInitializer: tfl.initializers.heNormal({ seed: seed * 100 + i }),
    }),
  );
  layers.push(
    tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 100 + 99 }) }),
  );
  return tfl.sequential({ name, layers });
}

/** The student: a 784-8-1 MLP, ~6.3k parameters (25 KB of float32 weights). */
export function makeStudent(seed = 0) {
  return mlp({ hidden: [8], seed: 1000 + seed, name: `student_${seed}` });
}

/**
 * Runs the demo on a runtime and returns the comparison rows.
 * With `search`, α is not given but chosen by `searchAlpha` on the last 400 training images
 * (held out), over `search.alphas` × `search.seeds`, selecting the lowest validation log-loss.
 * @param {{ runtime: import('@kd/core').KdRuntime, quick?: boolean, progress?: boolean, log?: (line: string) => void, alpha?: number, search?: { alphas: number[], seeds: number[] } }} options
 */
export async function runDemo({ runtime, quick = false, progress = false, log = () => {}, alpha = 0.3, search }) {
  const settings = quick ? DEMO_SETTINGS.quick : DEMO_SETTINGS.full;
  const info = await runtime.init();
  log(`runtime: ${runtime.name} (tfjs backend ${info.backend}, float${info.floatPrecision})`);

  const data = loadFashionSubset();
  log(`data: ${data.train.count} training and ${data.test.count} test images, ${data.classNames.join(' vs ')}`);
  const xTrain = tf.tensor2d(toFeatures(data.train.images, data.train.count), [data.train.count, 784]);
  const yTrain = tf.tensor1d(Array.from(data.train.labels), 'float32');
  const xTest = tf.tensor2d(toFeatures(data.test.images, data.test.count), [data.test.count, 784]);
  const testLabels = data.test.labels;
  const callbacks = (prefix) => (progress ? [consoleProgress({ prefix })] : []);

  const rows = [];
  const describe = (model) => {
    const student = layersStudent(model);
    return { params: student.countParams(), weightBytes: student.weightBytes() };
  };
  try {
    // 1. Teachers: bigger MLPs trained with kd's own loop on the labels alone.
    const teachers = [];
    for (let i = 0; i < settings.teachers; i++) {
      const model = mlp({ hidden: [128, 64], seed: i + 1, name: `teacher_${i + 1}` });
      await trainFromScratch({
        runtime,
        student: model,
        data: { x: xTrain, y: yTrain },
        epochs: settings.teacherEpochs,
        batchSize: settings.batchSize,
        seed: i,
        learningRate: 1e-3,
        callbacks: callbacks(`teacher ${i + 1}`),
      });
      teachers.push(model);
      rows.push({
        model: `teacher ${i + 1} (784-128-64-1)`,
        ...describe(model),
        ...(await evaluateTeacher(runtime, teacher(model), xTest, testLabels, METRICS)),
      });
    }
    const team = ensemble(teachers, { combine: 'mean-probability', name: 'ensemble' });
    const ensembleSize = teachers
      .map(describe)
      .reduce((a, b) => ({ params: a.params + b.params, weightBytes: a.weightBytes + b.weightBytes }));
    rows.push({
      model: `ensemble of ${teachers.length} (mean probability)`,
      ...ensembleSize,
      ...(await evaluateTeacher(runtime, team, xTest, testLabels, METRICS)),
    });

    // 2. The same tiny student, distilled from the ensemble and trained from scratch, same seed and init.
    const common = {
      runtime,
      data: { x: xTrain, y: yTrain },
      epochs: settings.studentEpochs,
      batchSize: settings.batchSize,
      seed: 0,
    };
    let alphaLabel = `α = ${alpha}`;
    if (search) {
      alpha = await searchDemoAlpha({ runtime, team, xTrain, yTrain, settings, search, log });
      alphaLabel = `α = ${alpha}, searched`;
    }
    const distilledModel = makeStudent(0);
    await distill({
      ...common,
      teacher: team,
      student: layersStudent(distilledModel),
      alpha,
      temperature: 1,
      learningRate: 3e-3,
      callbacks: callbacks('distilled student'),
    });
    rows.push({
      model: `student, distilled (${alphaLabel})`,
      ...describe(distilledModel),
      ...(await evaluateStudent(layersStudent(distilledModel), xTest, testLabels, METRICS)),
    });

    const scratchModel = makeStudent(0);
    await trainFromScratch({
      ...common,
      student: layersStudent(scratchModel),
      learningRate: 3e-3,
      callbacks: callbacks('scratch student'),
    });
    rows.push({
      model: 'student, from scratch',
      ...describe(scratchModel),
      ...(await evaluateStudent(layersStudent(scratchModel), xTest, testLabels, METRICS)),
    });

    [...teachers, distilledModel, scratchModel].forEach((m) => m.dispose());
    return rows;
  } finally {
    tf.dispose([xTrain, yTrain, xTest]);
  }
}

/** Picks α with searchAlpha on the last 400 training rows held out, and logs the table. */
async function searchDemoAlpha({ runtime, team, xTrain, yTrain, settings, search, log }) {
  const held = 400;
  const fit = xTrain.shape[0] - held;
  const [xFit, xVal] = tf.split(xTrain, [fit, held]);
  const [yFit, yVal] = tf.split(yTrain, [fit, held]);
  try {
    log(
      `searching α over ${search.alphas.join(', ')} with ${search.seeds.length} seed(s) each, on ${held} held-out training images`,
    );
    const result = await searchAlpha({
      runtime,
      teacher: team,
      makeStudent: (seed) => makeStudent(seed),
      data: { x: xFit, y: yFit },
      validation: { x: xVal, y: yVal },
      alphas: search.alphas,
      seeds: search.seeds,
      epochs: settings.studentEpochs,
      batchSize: settings.batchSize,
      learningRate: 3e-3,
      metric: 'val_loss',
      onRun: (run, done, total) =>
        log(`  run ${done}/${total}: α ${run.alpha}, seed ${run.seed} → validation log-loss ${run.value.toFixed(4)}`),
    });
    for (const r of result.rows)
      log(
        `  α ${r.alpha.toFixed(2)}: validation log-loss ${r.mean.toFixed(4)} ± ${r.std.toFixed(4)}${r === result.best ? '  ← best' : ''}`,
      );
    return result.best.alpha;
  } finally {
    tf.dispose([xFit, xVal, yFit, yVal]);
  }
}

/** Formats the rows as a fixed-width table. */
export function formatTable(rows) {
  const header = ['model', 'params', 'weight bytes', 'accuracy', 'AUC', 'log-loss'];
  const body = rows.map((r) => [
    r.model,
    r.params.toLocaleString('en-US'),
    r.weightBytes.toLocaleString('en-US'),
    r.accuracy.toFixed(4),
    r.auc.toFixed(4),
    r.logLoss.toFixed(4),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
