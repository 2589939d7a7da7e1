import * as tf from '@tensorflow/tfjs-core';
import { ContentHash } from '../util/hash.js';
import type { PreparedData } from './prepare-data.js';
import type { Run } from './run.js';

/** The options and data that make a run what it is: a checkpoint resumes only a run with the same identity. */
export type RunIdentity = Record<string, string | number | boolean | null>;

/**
 * What must be equal between the run that wrote a checkpoint and the run resuming it: anything
 * that changes the steps taken or the numbers they produce. Large values (schedules, data) enter
 * as hashes.
 */
export async function runIdentity(run: Run, train: PreparedData | undefined): Promise<RunIdentity> {
  const { options, source } = run;
  const hash = (values: ArrayLike<number>) => new ContentHash().update(Float64Array.from(values)).digest();
  const weights = run.student.getWeights();
  const weightShapes = weights.map((w) => `${w.dtype}[${w.shape.join('x')}]`).join(',');
  tf.dispose(weights);
  return {
    teacher: run.teacher ? await run.teacher.cacheKey() : null,
    student: `${run.student.output}:${weightShapes}`,
    data: train
      ? `${train.fingerprint ?? ''}:${new ContentHash().update(train.labels).digest()}:${train.sampleWeight ? 'weighted' : ''}`
      : `stream:${JSON.stringify(source.probeBatch.x.shape.slice(1))}`,
    rows: source.rows,
    stepsPerEpoch: run.stepsPerEpoch,
    batchSize: source.batchSize,
    validation: run.val ? `${run.val.rows}:${new ContentHash().update(run.val.labels).digest()}` : null,
    epochs: run.epochs,
    alphas: hash(run.alphas),
    temperatures: hash(run.temperatures),
    optimizer: JSON.stringify({ class: run.optimizer.getClassName(), config: run.optimizer.getConfig() }),
    seed: options.seed ?? 0,
    shuffle: options.shuffle ?? true,
    metrics: run.metrics.join(','),
    earlyStopping: options.earlyStopping ? JSON.stringify(options.earlyStopping) : null,
    onNonFinite: options.onNonFinite ?? 'stop',
    // Only present with rows without labels, so checkpoints of runs without them still resume.
    ...(run.source.labelledRows !== undefined && run.source.labelledRows !== run.source.rows
      ? {
          unlabeled: run.extra
            ? `${run.extra.dataKey}:${run.extra.rows}`
            : `stream:${options.transfer ? JSON.stringify(options.transfer) : ''}`,
          transferTeacher: run.transferTeacher ? await run.transferTeacher.cacheKey() : null,
        }
      : {}),
  };
}

/** The keys whose values differ, as `key (checkpoint A, now B)`. */
export function identityDifferences(saved: RunIdentity, now: RunIdentity): string[] {
  const keys = new Set([...Object.keys(saved), ...Object.keys(now)]);
  return [...keys]
    .filter((k) => saved[k] !== now[k])
    .map((k) => `${k} (checkpoint ${JSON.stringify(saved[k] ?? null)}, now ${JSON.stringify(now[k] ?? null)})`);
}
