import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { distill, layersStudent, trainFromScratch, type DistillResult, type KdRuntime, type Teacher } from '@kd/core';
import type { OnEvent } from '../output/events.js';
import type { HistoryLine } from './metrics-types.js';
import { appendLines } from './run-folder.js';

/** One training run of a layers model, distilled from `teacher` or from scratch without one. */
export interface TrainModelArgs {
  runtime: KdRuntime;
  model: tfl.LayersModel;
  /** Display and history name: 'distilled', 'scratch', 'teacher 1', ... */
  name: string;
  teacher?: Teacher;
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
      if (args.historyFile) {
        const line: HistoryLine = {
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
  };
  const result = args.teacher
    ? await distill({ ...common, teacher: args.teacher, alpha: args.alpha, temperature: args.temperature })
    : await trainFromScratch(common);
  await Promise.all(pending);
  onEvent?.({ type: 'train-end', model: name, seed, aborted: result.aborted });
  return result;
}
