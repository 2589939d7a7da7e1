import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { PROBABILITY_EPSILON } from '../losses/elementwise-losses.js';
import type { OutputKind } from '../outputs/output-kind.js';
import { layersStudent, type TrainableLayersModel } from '../students/layers-student.js';
import { isStudent } from '../students/student.js';
import { checkTrainOptions } from '../trainer/check-options.js';
import { defaultOptimizer } from '../trainer/default-optimizer.js';
import type { DistillOptions, TrainingData } from '../trainer/types.js';
import { evaluateStudent } from '../trainer/evaluate.js';
import { memorySource } from '../trainer/memory-source.js';
import { prepareLabeled } from '../trainer/prepare-data.js';
import type { SearchAlphaOptions, SearchFailure, SearchRun } from './search-alpha.js';
import { stackDense, type StackedDense } from './stacked-dense.js';

/** What {@link searchInParallel} needs besides the search's options. */
export interface ParallelSearchPlan {
  alphas: number[];
  seeds: number[];
  metric: string;
  mode: 'min' | 'max';
  /** The teacher's outputs for every training row, [N, 1], and what they hold. */
  teacher: { values: tf.Tensor2D; kind: OutputKind };
}

/**
 * `searchAlpha({ parallel: true })` for dense binary students at T = 1: per seed, every α's
 * student trains in one batched computation, since they share the seed's batches and the
 * teacher's targets. Their weights are stacked (see {@link stackDense}); each student's loss is
 * the one cross-entropy of its own blended target `α·y + (1 − α)·t`, and the loss minimised is
 * their sum, whose gradient for each student's weights is that student's own. With an
 * elementwise optimizer each student follows the run `distill` would give it, up to float
 * rounding. Runs come back in the order the sequential search makes them.
 */
export async function searchInParallel(
  options: SearchAlphaOptions,
  plan: ParallelSearchPlan,
): Promise<{ runs: SearchRun[]; failed: SearchFailure[] }> {
  const { alphas, seeds } = plan;
  rejectUnsupported(options);
  if (plan.teacher.values.shape[1] !== 1) throw unsupported('it trains binary students (one output unit) only');
  // The same checks (and defaults) as every sequential run's distill would make.
  const probe = options.makeStudent(seeds[0]!);
  let checked;
  try {
    checked = checkTrainOptions({ ...options, student: probe } as DistillOptions<TrainingData>);
  } finally {
    (probe as { dispose?: () => void }).dispose?.();
  }
  const { epochs, batchSize, learningRate } = checked;
  const train = await prepareLabeled(options.data, 1, 'data');
  const val = await prepareLabeled(options.validation, 1, 'validation');
  const bySeed = new Map<number, Array<{ value: number; epochs: number } | { error: unknown }>>();
  try {
    for (const seed of seeds)
      bySeed.set(seed, await trainSeed(options, plan, train, val, seed, { epochs, batchSize, learningRate }));
  } finally {
    tf.dispose([...train.owned, ...val.owned]);
  }
  const runs: SearchRun[] = [];
  const failed: SearchFailure[] = [];
  const total = alphas.length * seeds.length;
  for (const [a, alpha] of alphas.entries()) {
    for (const seed of seeds) {
      const r = bySeed.get(seed)![a]!;
      if ('error' in r) {
        failed.push({ alpha, temperature: 1, seed, error: r.error });
        continue;
      }
      const run = { alpha, temperature: 1, seed, value: r.value, epochs: r.epochs };
      runs.push(run);
      await options.onRun?.(run, runs.length + failed.length, total);
    }
  }
  return { runs, failed };
}

async function trainSeed(
  options: SearchAlphaOptions,
  plan: ParallelSearchPlan,
  train: Awaited<ReturnType<typeof prepareLabeled>>,
  val: Awaited<ReturnType<typeof prepareLabeled>>,
  seed: number,
  { epochs, batchSize, learningRate }: { epochs: number; batchSize: number; learningRate: number },
): Promise<Array<{ value: number; epochs: number } | { error: unknown }>> {
  const { alphas, metric, mode } = plan;
  const models = alphas.map(() => options.makeStudent(seed));
  let stacked: StackedDense | string;
  try {
    if (models.some((m) => isStudent(m)))
      stacked = 'the students must be tfjs-layers models (makeStudent returned a Student)';
    else stacked = stackDense(models, layersStudent(models[0] as TrainableLayersModel).output);
  } finally {
    models.forEach((m) => (m as { dispose?: () => void }).dispose?.());
  }
  if (typeof stacked === 'string') throw unsupported(stacked);
  const optimizer = options.makeOptimizer?.() ?? defaultOptimizer(learningRate);
  const source = memorySource({
    train,
    teacher: plan.teacher,
    batchSize,
    seed,
    fuseTargets: true,
    ...(options.shuffle !== undefined ? { shuffle: options.shuffle } : {}),
  });
  const K = alphas.length;
  const mix = tf.tensor3d(
    alphas.flatMap((a) => [a, 1 - a]),
    [K, 2, 1],
  );
  const history: number[][] = alphas.map(() => []);
  const diverged: Array<number | undefined> = alphas.map(() => undefined);
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      // Each student's summed loss over the epoch, to tell a diverging student from the others.
      let sums = tf.zeros([K]);
      for await (const batch of source.epoch()) {
        const next = tf.tidy(() => {
          let perStudent: tf.Tensor | undefined;
          optimizer.minimize(
            () => {
              const totals = stackedLoss(stacked, batch.x, batch.targets!, mix);
              perStudent = tf.keep(totals);
              return tf.sum(totals) as tf.Scalar;
            },
            false,
            stacked.variables,
          );
          const added = tf.add(sums, perStudent!);
          perStudent!.dispose();
          return added;
        });
        sums.dispose();
        sums = next;
        await options.runtime.nextTick();
      }
      const epochSums = (await sums.data()) as Float32Array;
      sums.dispose();
      for (let k = 0; k < K; k++) {
        if (diverged[k] !== undefined) continue;
        if (!Number.isFinite(epochSums[k]!)) {
          diverged[k] = epoch;
          continue;
        }
        const m = await evaluateStudent(stacked.view(k), val.x, val.labels, metricsFor(metric), {
          batchSize: Math.max(batchSize, 256),
        });
        history[k]!.push(m[metric.slice(4)]!);
      }
    }
  } finally {
    tf.dispose([mix, ...stacked.variables]);
    source.dispose();
    optimizer.dispose();
  }
  return alphas.map((alpha, k) => {
    if (diverged[k] !== undefined)
      return {
        error: new KdError(
          'KD_TRAINING_DIVERGED',
          `The student for α = ${alpha}, seed ${seed} stopped having a finite loss in epoch ${diverged[k]}. Lower the learning rate or check the data.`,
          { alpha, seed, epoch: diverged[k] },
        ),
      };
    return { value: select(history[k]!, mode, options.select), epochs };
  });
}

/**
 * Per-student loss, [K]: `BCE(α_k·y + (1 − α_k)·t, z_k)` written as `mean(B) − mean(D·[y | t])·[α_k, 1 − α_k]`
 * (see fusedBinaryLoss), for all K students at once.
 */
function stackedLoss(stacked: StackedDense, x: tf.Tensor, targets: tf.Tensor2D, mix: tf.Tensor3D): tf.Tensor1D {
  const z = stacked.apply(x);
  const rows = z.shape[1];
  let base: tf.Tensor3D;
  let slope: tf.Tensor3D;
  if (stacked.output === 'logits') {
    base = tf.softplus(z);
    slope = z;
  } else {
    const q = tf.clipByValue(z, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
    const logOneMinusQ = tf.log1p(tf.neg(q));
    base = tf.neg(logOneMinusQ);
    slope = tf.sub(tf.log(q), logOneMinusQ);
  }
  const dot = tf.matMul(slope, tf.expandDims(targets, 0), true, false); // [K, 1, 2]
  const parts = tf.div(tf.sub(tf.sum(base, [1, 2], true), dot), rows); // [K, 1, 2]: hard, soft
  return tf.reshape(tf.matMul(parts, mix), [-1]) as tf.Tensor1D;
}

function metricsFor(metric: string): Parameters<typeof evaluateStudent>[3] {
  const name = metric.slice(4);
  return (name === 'loss' ? [] : [name]) as Parameters<typeof evaluateStudent>[3];
}

function select(values: number[], mode: 'min' | 'max', how: SearchAlphaOptions['select']): number {
  if (how === 'last') return values[values.length - 1]!;
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return Number.NaN;
  return mode === 'max' ? Math.max(...finite) : Math.min(...finite);
}

function rejectUnsupported(options: SearchAlphaOptions): void {
  const given = (['earlyStopping', 'callbacks', 'checkpoint', 'resume', 'progress'] as const).filter(
    (k) => options[k as keyof SearchAlphaOptions] !== undefined && options[k as keyof SearchAlphaOptions] !== false,
  );
  if (given.length > 0) throw unsupported(`it does not take ${given.join(', ')}`);
  if (options.onNonFinite === 'skip-batch') throw unsupported("it does not take onNonFinite: 'skip-batch'");
  if ((options.temperatures ?? [1]).some((t) => t !== 1)) throw unsupported('it trains at temperature 1 only');
  if (!(options.data.x instanceof tf.Tensor) || options.data.sampleWeight !== undefined)
    throw unsupported('it takes in-memory data without sample weights');
}

function unsupported(why: string): KdError {
  return new KdError(
    'KD_INVALID_ARGUMENT',
    `searchAlpha({ parallel: true }) cannot train these runs side by side: ${why}. Leave parallel out to train them one after another.`,
  );
}
