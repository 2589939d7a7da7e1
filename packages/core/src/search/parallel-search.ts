import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { pickValue } from './select-value.js';
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
import { stackStudents } from './stack-students.js';
import type { StackedStudents } from './stacked.js';
import {
  runHalving,
  settingScore,
  type HalvingRung,
  type ResolvedHalving,
  type SearchHalving,
} from './successive-halving.js';
import type { BatchSource } from '../trainer/train-batch.js';
import type { CheckedTrainOptions } from '../trainer/check-options.js';
import type { Student } from '../students/student.js';
import { extraVariableNames, madeForTheCall } from '../trainer/optimizer-state.js';

/** What {@link searchInParallel} needs besides the search's options. */
export interface ParallelSearchPlan {
  alphas: number[];
  seeds: number[];
  metric: string;
  mode: 'min' | 'max';
  /** The teacher's outputs for every training row, [N, 1], and what they hold. */
  teacher: { values: tf.Tensor2D; kind: OutputKind };
  /** Successive halving's rungs, when asked for. */
  halving?: ResolvedHalving;
}

type Prepared = Awaited<ReturnType<typeof prepareLabeled>>;
type RunOutcome = { value: number; epochs: number } | { error: unknown };

/**
 * `searchAlpha({ parallel: true })` for binary tfjs-layers students at T = 1: per seed, every α's
 * student trains in one batched computation, since they share the seed's batches and the
 * teacher's targets. Their weights are stacked (see {@link stackStudents}: dense, or Conv2D and
 * the layers around it); each student's loss is the one cross-entropy of its own blended target
 * `α·y + (1 − α)·t`, and the loss minimised is their sum, whose gradient for each student's
 * weights is that student's own. With an elementwise optimizer each student follows the run
 * `distill` would give it, up to float rounding. After each epoch the stacked weights are written
 * back into each student's own model, which is evaluated as the sequential run evaluates it.
 *
 * With successive halving every seed's stack lives through the rungs; after a rung the stack is
 * rebuilt from the students that go on, their optimizer state carried over slice by slice.
 * Runs come back in the order the sequential search makes them.
 */
export async function searchInParallel(
  options: SearchAlphaOptions,
  plan: ParallelSearchPlan,
): Promise<{ runs: SearchRun[]; failed: SearchFailure[]; halving?: SearchHalving }> {
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
  const train = await prepareLabeled(options.data, 1, 'data');
  const val = await prepareLabeled(options.validation, 1, 'validation');
  const trainers: SeedTrainer[] = [];
  const outcomes = new Map<number, RunOutcome[]>();
  const droppedAt: Array<number | undefined> = alphas.map(() => undefined);
  let rungs: HalvingRung[] | undefined;
  try {
    const all = alphas.map((_, a) => a);
    if (!plan.halving) {
      // One seed at a time: only one stack is alive.
      for (const seed of seeds) {
        const trainer = new SeedTrainer(options, plan, train, val, seed, checked);
        try {
          await trainer.trainTo(all, checked.epochs);
          outcomes.set(seed, trainer.outcomes());
        } finally {
          trainer.dispose();
        }
      }
    } else {
      for (const seed of seeds) trainers.push(new SeedTrainer(options, plan, train, val, seed, checked));
      const found = await runHalving(alphas.length, plan.halving, plan.mode, async (live, epochs) => {
        for (const trainer of trainers) await trainer.trainTo(live, epochs);
        return live.map((a) => settingScore(trainers.map((t) => t.value(a))));
      });
      found.droppedAt.forEach((rung, a) => (droppedAt[a] = rung));
      rungs = found.rungs;
      for (const trainer of trainers) outcomes.set(trainer.seed, trainer.outcomes());
    }
  } finally {
    trainers.forEach((t) => t.dispose());
    tf.dispose([...train.owned, ...val.owned]);
  }
  const runs: SearchRun[] = [];
  const failed: SearchFailure[] = [];
  const total = alphas.length * seeds.length;
  for (const [a, alpha] of alphas.entries()) {
    for (const seed of seeds) {
      const r = outcomes.get(seed)![a]!;
      if ('error' in r) {
        failed.push({ alpha, temperature: 1, seed, error: r.error });
        continue;
      }
      const rung = droppedAt[a];
      const run = {
        alpha,
        temperature: 1,
        seed,
        value: r.value,
        epochs: r.epochs,
        ...(rung !== undefined ? { droppedAtRung: rung } : {}),
      };
      runs.push(run);
      await options.onRun?.(run, runs.length + failed.length, total);
    }
  }
  if (!rungs || !plan.halving) return { runs, failed };
  const { eta, minEpochs } = plan.halving;
  return { runs, failed, halving: { eta, minEpochs, rungs, epochsTrained: runs.reduce((s, r) => s + r.epochs, 0) } };
}

/**
 * One seed's students (one per α) side by side: their models (kept, each a plain tfjs-layers
 * model), the stack of those still training, its optimizer, and the seed's batches.
 */
class SeedTrainer {
  private readonly models: TrainableLayersModel[];
  private readonly students: Student[];
  private readonly output: OutputKind;
  /** The α indices in the stack, in stack order. */
  private members: number[];
  private stacked: StackedStudents;
  private optimizer: tf.Optimizer;
  private mix: tf.Tensor3D;
  private readonly source: BatchSource;
  private epoch = 0;
  private readonly history: number[][];
  private readonly diverged: Array<number | undefined>;

  constructor(
    private readonly options: SearchAlphaOptions,
    private readonly plan: ParallelSearchPlan,
    train: Prepared,
    private readonly val: Prepared,
    readonly seed: number,
    private readonly settings: CheckedTrainOptions,
  ) {
    const { alphas } = plan;
    const models = alphas.map(() => options.makeStudent(seed));
    const free = () => models.forEach((m) => (m as { dispose?: () => void }).dispose?.());
    if (models.some((m) => isStudent(m))) {
      free();
      throw unsupported('the students must be tfjs-layers models (makeStudent returned a Student)');
    }
    this.models = models as TrainableLayersModel[];
    let stacked: StackedStudents | string;
    try {
      this.output = layersStudent(this.models[0]!).output;
      this.students = this.models.map((m) => layersStudent(m, { output: this.output }));
      stacked = stackStudents(this.models, this.output);
    } catch (e) {
      free();
      throw e;
    }
    if (typeof stacked === 'string') {
      free();
      throw unsupported(stacked);
    }
    this.stacked = stacked;
    this.members = alphas.map((_, a) => a);
    this.optimizer = this.makeOptimizer();
    this.mix = mixOf(alphas, this.members);
    this.source = memorySource({
      train,
      teacher: plan.teacher,
      batchSize: settings.batchSize,
      seed,
      fuseTargets: true,
      ...(options.shuffle !== undefined ? { shuffle: options.shuffle } : {}),
    });
    this.history = alphas.map(() => []);
    this.diverged = alphas.map(() => undefined);
  }

  /** Trains the students of `live` (α indices) up to `epochs` epochs, evaluating each after every epoch. */
  async trainTo(live: number[], epochs: number): Promise<void> {
    if (live.length === 0 || this.epoch >= epochs) return;
    if (live.length !== this.members.length || live.some((a, i) => a !== this.members[i])) await this.restack(live);
    const { options } = this;
    const K = this.members.length;
    for (; this.epoch < epochs; this.epoch++) {
      // Each student's summed loss over the epoch, to tell a diverging student from the others.
      let sums = tf.zeros([K]);
      for await (const batch of this.source.epoch()) {
        const next = tf.tidy(() => {
          let perStudent: tf.Tensor | undefined;
          this.optimizer.minimize(
            () => {
              const totals = stackedLoss(this.stacked, batch.x, batch.targets!, this.mix);
              perStudent = tf.keep(totals);
              return tf.sum(totals) as tf.Scalar;
            },
            false,
            this.stacked.variables,
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
      this.stacked.writeBack();
      for (const [k, a] of this.members.entries()) {
        if (this.diverged[a] !== undefined) continue;
        if (!Number.isFinite(epochSums[k]!)) {
          this.diverged[a] = this.epoch;
          continue;
        }
        const m = await evaluateStudent(this.students[a]!, this.val.x, this.val.labels, metricsFor(this.plan.metric), {
          batchSize: Math.max(this.settings.batchSize, 256),
        });
        this.history[a]!.push(m[this.plan.metric.slice(4)]!);
      }
    }
  }

  /** Student a's value of the search metric so far (NaN when it has none, or diverged). */
  value(a: number): number {
    if (this.diverged[a] !== undefined || this.history[a]!.length === 0) return Number.NaN;
    return pickValue(this.history[a]!, this.plan.mode, this.options.select);
  }

  outcomes(): RunOutcome[] {
    return this.plan.alphas.map((alpha, a) => {
      const epoch = this.diverged[a];
      if (epoch !== undefined)
        return {
          error: new KdError(
            'KD_TRAINING_DIVERGED',
            `The student for α = ${alpha}, seed ${this.seed} stopped having a finite loss in epoch ${epoch}. Lower the learning rate or check the data.`,
            { alpha, seed: this.seed, epoch },
          ),
        };
      return { value: this.value(a), epochs: this.history[a]!.length };
    });
  }

  /** A stack of `keep` (a subset of the members, in order) in place of the current one, optimizer state carried over. */
  private async restack(keep: number[]): Promise<void> {
    this.stacked.writeBack();
    const next = stackStudents(
      keep.map((a) => this.models[a]!),
      this.output,
    );
    if (typeof next === 'string') throw new Error(`Internal: students that stacked no longer do: ${next}`);
    let optimizer: tf.Optimizer;
    try {
      optimizer = await carryOver(
        this.optimizer,
        this.stacked,
        next,
        keep.map((a) => this.members.indexOf(a)),
        () => this.makeOptimizer(),
      );
    } catch (e) {
      next.dispose();
      throw e;
    }
    this.stacked.dispose();
    this.optimizer.dispose();
    this.mix.dispose();
    this.stacked = next;
    this.optimizer = optimizer;
    this.members = keep;
    this.mix = mixOf(this.plan.alphas, keep);
  }

  private makeOptimizer(): tf.Optimizer {
    return this.options.makeOptimizer?.() ?? defaultOptimizer(this.settings.learningRate);
  }

  dispose(): void {
    this.stacked.dispose();
    this.optimizer.dispose();
    this.mix.dispose();
    this.source.dispose();
    this.models.forEach((m) => m.dispose());
  }
}

/** [K, 2, 1]: each member's [α, 1 − α]. */
function mixOf(alphas: number[], members: number[]): tf.Tensor3D {
  return tf.tensor3d(
    members.flatMap((a) => [alphas[a]!, 1 - alphas[a]!]),
    [members.length, 2, 1],
  );
}

/**
 * A fresh optimizer for `to` holding the state `from`'s optimizer has for the students at
 * `positions` of `from`: tfjs optimizers list their iteration count, then their slots group by
 * group, one per variable in variable order; each slot is split per student and stacked again.
 */
async function carryOver(
  optimizer: tf.Optimizer,
  from: StackedStudents,
  to: StackedStudents,
  positions: number[],
  make: () => tf.Optimizer,
): Promise<tf.Optimizer> {
  const weights = await optimizer.getWeights();
  const [iterations, ...slots] = weights;
  const n = from.variables.length;
  const fits =
    iterations !== undefined &&
    slots.length % n === 0 &&
    slots.every((s, i) => s.tensor.shape.join() === from.variables[i % n]!.shape.join());
  if (!fits) {
    tf.dispose(madeForTheCall(weights));
    throw unsupported(
      `successive halving cannot carry the state of optimizer ${optimizer.getClassName()} over to the students that go on`,
    );
  }
  const carried: Parameters<tf.Optimizer['setWeights']>[0] = [iterations];
  for (let g = 0; g < slots.length / n; g++) {
    const group = slots.slice(g * n, (g + 1) * n);
    const parts = positions.map((p) =>
      from.split(
        group.map((s) => s.tensor),
        p,
      ),
    );
    const stacked = to.combine(parts);
    tf.dispose(parts);
    stacked.forEach((tensor, i) =>
      carried.push({ name: group[i]!.name.replace(from.variables[i]!.name, to.variables[i]!.name), tensor }),
    );
  }
  const next = make();
  try {
    await next.setWeights(carried);
    // Variables an optimizer keeps besides its weights (Adam's β powers): scalars, the same for every student.
    for (const key of extraVariableNames(optimizer, weights)) {
      const target = (next as unknown as Record<string, unknown>)[key];
      if (target instanceof tf.Variable) target.assign((optimizer as unknown as Record<string, tf.Variable>)[key]!);
    }
  } catch (e) {
    next.dispose();
    throw e;
  } finally {
    // The new optimizer's variables copied these, and what getWeights made for the call.
    tf.dispose([...madeForTheCall(weights), ...carried.slice(1).map((c) => c.tensor)]);
  }
  return next;
}

/**
 * Per-student loss, [K]: `BCE(α_k·y + (1 − α_k)·t, z_k)` written as `mean(B) − mean(D·[y | t])·[α_k, 1 − α_k]`
 * (see fusedBinaryLoss), for all K students at once.
 */
function stackedLoss(stacked: StackedStudents, x: tf.Tensor, targets: tf.Tensor2D, mix: tf.Tensor3D): tf.Tensor1D {
  const z = stacked.apply(x, true);
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
