import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  distill,
  KdError,
  layersStudent,
  trainFromScratch,
  type CheckpointStore,
  type DistillResult,
  type EarlyStoppingOptions,
  type KdRuntime,
  type Teacher,
  type TransferOptions,
} from '@kd/core';
import type { OnEvent } from '../output/events.js';
import type { HistoryRow } from '@kd/report';
import { appendLines } from './run-folder.js';

/** One training run of a layers model, distilled from `teacher` or from scratch without one. */
export interface TrainModelArgs {
  runtime: KdRuntime;
  model: tfl.LayersModel;
  /** Display and history name: 'distilled', 'scratch', 'teacher 1', ... */
  name: string;
  teacher?: Teacher;
  /** Rows without labels trained on next to `train`, against the teacher alone (distillation only). */
  extra?: { unlabeled?: { x: tf.Tensor }; transfer?: TransferOptions; transferTeacher?: Teacher };
  train: { x: tf.Tensor; y: tf.Tensor };
  validation: { x: tf.Tensor; y: tf.Tensor };
  alpha: number;
  temperature: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /**
   * Early stopping on `val_loss` with this patience (whole epochs ≥ 1), ending with the weights of
   * the best validation epoch; off when undefined.
   */
  earlyStopping?: number;
  signal?: AbortSignal;
  onEvent?: OnEvent;
  /** history.jsonl to append one line per epoch to, if any. */
  historyFile?: string;
  /** Keys ({@link historyKey}) of epochs history.jsonl already holds (a resumed run): not appended again. */
  historyWritten?: Set<string>;
  /** Checkpoints of this training, and whether to continue from the latest one. */
  checkpoint?: { store: CheckpointStore; everySteps: number };
  resume?: boolean;
}

/** What identifies one line of history.jsonl: model, seed and epoch. */
export function historyKey(line: { model: string; seed: number; epoch: number }): string {
  return `${line.model}\u0000${line.seed}\u0000${line.epoch}`;
}

/** Trains the model in place and reports every batch and epoch. */
export async function trainModel(args: TrainModelArgs): Promise<DistillResult> {
  const { name, seed, onEvent } = args;
  const pending: Promise<void>[] = [];
  const callbacks = {
    onTrainBegin: (log: { epochs: number; totalSteps: number }) =>
      onEvent?.({ type: 'train-begin', model: name, seed, epochs: log.epochs, totalSteps: log.totalSteps }),
    onBatchEnd: (log: { step: number; totalSteps: number }) =>
      onEvent?.({ type: 'batch', model: name, seed, step: log.step, totalSteps: log.totalSteps }),
    onEpochEnd: async (log: {
      epoch: number;
      loss: number;
      hardLoss: number;
      softLoss: number;
      val: Record<string, number>;
    }) => {
      onEvent?.({
        type: 'epoch',
        model: name,
        seed,
        epoch: log.epoch,
        epochs: args.epochs,
        loss: log.loss,
        val: log.val,
      });
      if (args.historyFile && !args.historyWritten?.has(historyKey({ model: name, seed, epoch: log.epoch }))) {
        const line: HistoryRow = {
          model: name,
          seed,
          epoch: log.epoch,
          loss: log.loss,
          hardLoss: log.hardLoss,
          softLoss: log.softLoss,
          val: log.val,
        };
        pending.push(appendLines(args.historyFile, [JSON.stringify(line)]));
        await pending[pending.length - 1];
      }
    },
  };
  const common = {
    runtime: args.runtime,
    student: layersStudent(args.model),
    data: args.train,
    validation: args.validation,
    epochs: args.epochs,
    batchSize: args.batchSize,
    learningRate: args.learningRate,
    seed,
    callbacks,
    ...(args.earlyStopping !== undefined ? { earlyStopping: earlyStoppingOptions(args.earlyStopping) } : {}),
    ...(args.signal ? { signal: args.signal } : {}),
    ...(args.checkpoint ? { checkpoint: args.checkpoint, resume: args.resume === true } : {}),
  };
  const result = args.teacher
    ? await distill({
        ...common,
        ...args.extra,
        teacher: args.teacher,
        alpha: args.alpha,
        temperature: args.temperature,
      })
    : await trainFromScratch(common);
  await Promise.all(pending);
  onEvent?.({
    type: 'train-end',
    model: name,
    seed,
    aborted: result.aborted,
    ...(args.earlyStopping !== undefined && !result.aborted ? { earlyStopping: earlyStoppingSummary(result) } : {}),
  });
  return result;
}

/** What the early stopping of one training did, as the `train-end` event and `kd train-teacher` report it. */
export interface EarlyStoppingSummary {
  /** Epochs trained (history.jsonl's lines for this model). */
  epochs: number;
  /** Whether it ended before `--epochs`. */
  stoppedEarly: boolean;
  /** The epoch (from 0, as in history.jsonl) whose weights the model kept: the lowest val_loss. */
  bestEpoch: number;
  /** That epoch's val_loss. */
  bestValLoss: number | null;
}

/** The {@link EarlyStoppingSummary} of a finished training. */
export function earlyStoppingSummary(result: DistillResult): EarlyStoppingSummary {
  const best = result.history.find((h) => h.epoch === result.bestEpoch);
  return {
    epochs: result.history.length,
    stoppedEarly: result.stoppedEarly,
    bestEpoch: result.bestEpoch,
    bestValLoss: best?.val.val_loss ?? null,
  };
}

/** The early stopping `--early-stopping PATIENCE` asks of @kd/core: on val_loss, back to the best weights. */
export function earlyStoppingOptions(patience: number): EarlyStoppingOptions {
  return { monitor: 'val_loss', patience, restoreBestWeights: true };
}

/**
 * Refuses early stopping without validation rows to watch, before anything is read. (The value
 * itself is checked where every option is: by the command line's schema, and by @kd/core's
 * `earlyStopping.patience` check for callers of the `run*` functions.)
 */
export function checkEarlyStopping(options: {
  earlyStopping?: number;
  validation?: number;
  validationData?: string;
}): void {
  if (options.earlyStopping === undefined) return;
  if (options.validationData === undefined && options.validation === 0)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      '--early-stopping watches the validation log-loss, but --validation 0 holds out no validation rows: give --validation a share above 0 (e.g. 0.2) or --validation-data FILE.',
      { option: 'earlyStopping', validation: 0 },
    );
}
