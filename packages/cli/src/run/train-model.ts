import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  distill,
  layersStudent,
  trainFromScratch,
  type CheckpointStore,
  type DistillResult,
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
  onEvent?.({ type: 'train-end', model: name, seed, aborted: result.aborted });
  return result;
}
