import type * as tf from '@tensorflow/tfjs-core';
import { layersStudent, searchAlpha, type KdRuntime, type SearchAlphaResult, type Teacher } from '@kd/core';
import type { ModelFactory } from '../models/model-spec.js';
import type { OnEvent } from '../output/events.js';

/** α values `--search-alpha` tries when given no list: 0, 0.1, ..., 1. */
export const DEFAULT_ALPHAS = Array.from({ length: 11 }, (_, i) => Math.round(i * 10) / 100);

/** Runs the α (× T) search on the validation split and reports each run. */
export async function runAlphaGrid(args: {
  runtime: KdRuntime;
  teacher: Teacher;
  factory: ModelFactory;
  inputShape: number[];
  units: number;
  train: { x: tf.Tensor; y: tf.Tensor };
  validation: { x: tf.Tensor; y: tf.Tensor };
  alphas: number[];
  temperatures: number[];
  seeds: number[];
  metric: 'val_loss' | `val_${'accuracy' | 'auc' | 'logLoss' | 'brier' | 'ece'}`;
  epochs: number;
  batchSize: number;
  learningRate: number;
  onEvent?: OnEvent;
}): Promise<SearchAlphaResult> {
  return searchAlpha({
    runtime: args.runtime,
    teacher: args.teacher,
    makeStudent: (seed) =>
      layersStudent(args.factory({ inputShape: args.inputShape, units: args.units, seed, name: `search_${seed}` })),
    data: args.train,
    validation: args.validation,
    alphas: args.alphas,
    temperatures: args.temperatures,
    seeds: args.seeds,
    metric: args.metric,
    epochs: args.epochs,
    batchSize: args.batchSize,
    learningRate: args.learningRate,
    onRun: (run, done, total) => args.onEvent?.({ type: 'search-run', ...run, done, total }),
  });
}
