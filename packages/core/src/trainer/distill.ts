import { KdError } from '../errors/kd-error.js';
import { assertActiveBackend } from '../runtime/backend-runtime.js';
import type { RuntimeInfo } from '../runtime/types.js';
import { RunAborted } from './abort.js';
import { Checkpointer } from './checkpointer.js';
import { checkTrainOptions } from './check-options.js';
import { checkUnlabeledOptions } from './check-unlabeled.js';
import { prepareRun, toStudent } from './prepare-run.js';
import { checkRecoveryOptions } from './recovery-options.js';
import { runIdentity } from './run-identity.js';
import { runEpoch } from './run-epoch.js';
import type { Run, RunProgress } from './run.js';
import { TensorScope } from './tensor-scope.js';
import type { DistillOptions, DistillResult, TrainBeginLog, TrainingData, TrainOptions } from './types.js';

/**
 * Distils a teacher (or ensemble) into a student:
 * `loss = α·hard + (1 − α)·soft`, with α and the temperature T as numbers or schedules.
 * Everything is validated before the first step; each step runs inside `tf.tidy` and nothing is
 * read from the device until the epoch ends.
 *
 * `data` is in-memory tensors or, for data larger than memory, a stream ({@link streamingData}):
 * one pass over the stream checks every batch and stores the teacher's outputs in
 * `runtime.cache` before training, and each epoch streams again, one step per batch.
 *
 * @example
 * ```ts
 * import { distill, ensemble, layersStudent } from '@kd/core';
 * import { cpuRuntime } from '@kd/core/cpu';
 *
 * const result = await distill({
 *   runtime: cpuRuntime(),
 *   teacher: ensemble([teacherA, teacherB]),
 *   student: layersStudent(smallModel),
 *   data: { x: xTrain, y: yTrain },
 *   validation: { split: 0.2 },
 *   alpha: 0.3,
 *   epochs: 10,
 *   earlyStopping: { monitor: 'val_auc', patience: 2 },
 * });
 * console.log(result.history.at(-1));
 * ```
 */
export async function distill(options: DistillOptions<TrainingData>): Promise<DistillResult> {
  if (!options || options.teacher === undefined || options.teacher === null) {
    throw new KdError(
      'KD_TEACHER_INVALID',
      'distill needs a teacher. To train without one, call trainFromScratch with the same options.',
    );
  }
  return runTraining(options, options.teacher);
}

/**
 * Trains the student on the labels alone (α = 1, no teacher) with the same loop as
 * {@link distill}, so the two can be compared like for like.
 *
 * @example
 * ```ts
 * const scratch = await trainFromScratch({ runtime, student: layersStudent(sameArchitecture), data, epochs: 10 });
 * ```
 */
export async function trainFromScratch(options: TrainOptions<TrainingData>): Promise<DistillResult> {
  return runTraining({ ...options, alpha: 1, temperature: 1 } as DistillOptions<TrainingData>, undefined);
}

async function runTraining(
  options: DistillOptions<TrainingData>,
  teacherSource: DistillOptions['teacher'] | undefined,
): Promise<DistillResult> {
  // Cheap argument checks first, before the runtime starts or any data is read.
  const { epochs, batchSize, learningRate } = checkTrainOptions(options);
  checkUnlabeledOptions(options, teacherSource !== undefined);
  checkRecoveryOptions(options);
  const runtimeInfo = await options.runtime.init();
  assertActiveBackend(runtimeInfo);

  const student = toStudent(options.student);
  const scope = new TensorScope();
  try {
    const settings = { epochs, batchSize, learningRate, runtimeInfo: runtimeInfo as RuntimeInfo };
    const run = await prepareRun(options, student, teacherSource, settings, scope);
    const checkpointer = options.checkpoint
      ? new Checkpointer(options.checkpoint.store, options.checkpoint.everySteps, await runIdentity(run, run.train))
      : undefined;
    const progress = await startingPoint(run, checkpointer);
    await run.callbacks.onTrainBegin(beginLog(run, progress));
    for (const warning of run.warnings) await run.callbacks.onWarning(warning);
    await trainEpochs(run, progress, checkpointer);
    return await finishRun(run, progress);
  } catch (e) {
    if (!(e instanceof RunAborted)) throw e;
    return {
      history: [],
      bestEpoch: -1,
      stoppedEarly: false,
      aborted: true,
      student,
      runtime: runtimeInfo as RuntimeInfo,
      warnings: [],
    };
  } finally {
    scope.dispose();
  }
}

/** A fresh start, or with `resume` the latest checkpoint's state put back into the run. */
async function startingPoint(run: Run, checkpointer: Checkpointer | undefined): Promise<RunProgress> {
  const resumed = run.options.resume && checkpointer ? await checkpointer.resume(run) : undefined;
  if (!resumed)
    return { history: [], epoch: 0, batch: 0, globalStep: 0, skipped: 0, stoppedEarly: false, aborted: false };
  run.lastGood.capture(resumed.globalStep);
  return resumed;
}

function beginLog(run: Run, progress: RunProgress): TrainBeginLog {
  return {
    runtime: run.runtimeInfo,
    task: run.task,
    classes: run.task === 'binary' ? 2 : run.units,
    trainRows: run.source.labelledRows ?? run.source.rows,
    unlabeledRows: run.source.rows - (run.source.labelledRows ?? run.source.rows),
    validationRows: run.val?.rows ?? 0,
    epochs: run.epochs,
    batchSize: run.source.batchSize,
    totalSteps: run.totalSteps,
    fromScratch: !run.teacher,
    ...(progress.globalStep > 0 ? { resumedAtStep: progress.globalStep } : {}),
  };
}

/** Epochs until the last, a stop request, or an abort; each finished epoch becomes the fallback copy and a checkpoint. */
async function trainEpochs(run: Run, progress: RunProgress, checkpointer: Checkpointer | undefined): Promise<void> {
  while (progress.epoch < run.epochs && !progress.stoppedEarly) {
    const log = await runEpoch(run, progress, checkpointer);
    if (!log) {
      progress.aborted = true;
      return;
    }
    progress.history.push(log);
    if (await run.callbacks.onEpochEnd(log)) progress.stoppedEarly = true;
    progress.epoch++;
    progress.batch = 0;
    progress.skipped = 0;
    run.lastGood.capture(progress.globalStep);
    await checkpointer?.save(run, progress);
  }
}

async function finishRun(run: Run, progress: RunProgress): Promise<DistillResult> {
  const result: DistillResult = {
    history: progress.history,
    bestEpoch: progress.history.length - 1,
    stoppedEarly: progress.stoppedEarly,
    aborted: progress.aborted,
    student: run.student,
    runtime: run.runtimeInfo,
    ...(run.diagnostics ? { diagnostics: run.diagnostics } : {}),
    warnings: run.warnings,
  };
  // Early stopping, first in the list, puts the best weights back and sets bestEpoch.
  await run.callbacks.onTrainEnd(result);
  return result;
}
