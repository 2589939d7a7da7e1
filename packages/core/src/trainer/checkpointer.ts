import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { CheckpointStore, CheckpointTensor } from './checkpoint-store.js';
import { decodeMeta, encodeMeta, tensorReader, toEntry, type CheckpointMeta } from './checkpoint-codec.js';
import type { EpochTotalsRead } from './epoch-totals.js';
import { identityDifferences, type RunIdentity } from './run-identity.js';
import type { Run, RunProgress } from './run.js';
import { extraVariableNames, madeForTheCall } from './optimizer-state.js';

/**
 * Saves a run's state to its checkpoint store and continues a run from it. A checkpoint holds
 * everything the next step depends on, so a resumed run takes the very steps the interrupted one
 * would have: student weights, optimizer state, the step and shuffle position, the epoch's
 * totals so far, the history and early stopping (with its best weights).
 */
export class Checkpointer {
  constructor(
    private readonly store: CheckpointStore,
    private readonly everySteps: number | undefined,
    private readonly identity: RunIdentity,
  ) {}

  /** Whether to save after the step just taken, within an epoch (epoch ends always save). */
  dueWithinEpoch(run: Run, progress: RunProgress): boolean {
    return (
      this.everySteps !== undefined && progress.batch < run.stepsPerEpoch && progress.globalStep % this.everySteps === 0
    );
  }

  /** Saves the run as it stands; `totals` is the epoch so far when saving mid-epoch. */
  async save(run: Run, progress: RunProgress, totals?: EpochTotalsRead): Promise<void> {
    const tensors: CheckpointTensor[] = [];
    const add = async (prefix: string, list: tf.Tensor[]) => {
      for (let i = 0; i < list.length; i++) tensors.push(await toEntry(`${prefix}/${i}`, list[i]!));
    };
    const weights = run.student.getWeights();
    try {
      await add('student', weights);
    } finally {
      tf.dispose(weights);
    }
    const optimizer = await optimizerState(run.optimizer);
    try {
      await add('optimizer', optimizer.weights);
      for (const name of optimizer.extras) tensors.push(await toEntry(`optimizerExtra/${name}`, extraOf(run, name)));
    } finally {
      tf.dispose(optimizer.fresh);
    }
    const stopping = run.earlyStopping?.state();
    await add('best', stopping?.bestWeights ?? []);
    const shuffle = run.source.shuffleState?.();
    const meta: CheckpointMeta = {
      format: 'kd-checkpoint',
      version: 1,
      identity: this.identity,
      epoch: progress.epoch,
      batch: progress.batch,
      globalStep: progress.globalStep,
      skipped: progress.skipped,
      stoppedEarly: progress.stoppedEarly,
      shuffle: shuffle ? (totals ? shuffle.epochStart : shuffle.now) : null,
      totals: totals ? Array.from(totals.raw) : null,
      history: progress.history,
      earlyStopping: stopping?.state ?? null,
      optimizerWeights: optimizer.names,
      optimizerExtras: optimizer.extras,
      studentWeights: weights.length,
      bestWeights: stopping?.bestWeights?.length ?? 0,
    };
    await this.store.write({ meta: encodeMeta(meta), tensors });
  }

  /** Puts the latest checkpoint's state into the run; undefined when the store holds none. */
  async resume(run: Run): Promise<RunProgress | undefined> {
    const checkpoint = await this.store.readLatest();
    if (!checkpoint) return undefined;
    const meta = decodeMeta(checkpoint.meta);
    const differences = identityDifferences(meta.identity, this.identity);
    if (differences.length > 0) {
      throw new KdError(
        'KD_CHECKPOINT_MISMATCH',
        'The checkpoint was written by a different run, so resuming from it would not continue that run: ' +
          `${differences.join('; ')}. ` +
          'Resume with the options and data of the run that wrote it, ' +
          'or give a store without a checkpoint (or leave out resume) to start afresh.',
        { differences },
      );
    }
    const tensor = tensorReader(checkpoint.tensors);
    const take = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => tensor(`${prefix}/${i}`));
    const weights = take('student', meta.studentWeights);
    try {
      run.student.setWeights(weights);
    } finally {
      tf.dispose(weights);
    }
    await restoreOptimizer(run, meta, tensor);
    if (run.earlyStopping && meta.earlyStopping)
      run.earlyStopping.restore(meta.earlyStopping, meta.bestWeights > 0 ? take('best', meta.bestWeights) : undefined);
    if (meta.shuffle !== null) run.source.restoreShuffle?.(meta.shuffle);
    return {
      history: meta.history,
      epoch: meta.epoch,
      batch: meta.batch,
      globalStep: meta.globalStep,
      ...(meta.totals ? { totals: Float32Array.from(meta.totals) } : {}),
      skipped: meta.skipped,
      stoppedEarly: meta.stoppedEarly,
      aborted: false,
    };
  }
}

/** The optimizer's weights (its own variables, and `fresh` tensors made for the call), and its other variables. */
async function optimizerState(
  optimizer: tf.Optimizer,
): Promise<{ names: string[]; weights: tf.Tensor[]; fresh: tf.Tensor[]; extras: string[] }> {
  const named = await optimizer.getWeights();
  return {
    names: named.map((n) => n.name),
    weights: named.map((n) => n.tensor),
    fresh: madeForTheCall(named),
    extras: extraVariableNames(optimizer, named),
  };
}

function extraOf(run: Run, name: string): tf.Variable {
  return (run.optimizer as unknown as Record<string, tf.Variable>)[name]!;
}

async function restoreOptimizer(run: Run, meta: CheckpointMeta, tensor: (name: string) => tf.Tensor): Promise<void> {
  const named = meta.optimizerWeights.map((name, i) => ({ name, tensor: tensor(`optimizer/${i}`) }));
  try {
    await run.optimizer.setWeights(named);
    for (const name of meta.optimizerExtras) {
      const value = tensor(`optimizerExtra/${name}`);
      try {
        extraOf(run, name).assign(value);
      } finally {
        value.dispose();
      }
    }
  } finally {
    // The optimizer's variables share these tensors' data (tfjs counts references), so freeing them here is safe.
    tf.dispose(named.map((n) => n.tensor));
  }
}
