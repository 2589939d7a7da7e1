import * as tf from '@tensorflow/tfjs-core';
import { ContentHash } from '../util/hash.js';
import { fingerprintValues } from '../teachers/teacher-outputs.js';
import { findNonFinite } from '../values/index.js';
import { fingerprintOf, type PreparedData } from './prepare-data.js';
import { generateTransferRows, transferRecipe } from './transfer-set.js';
import type { DistillOptions, TrainingData, TransferOptions, UnlabeledData } from './types.js';

/** The rows without labels a run trains on: `unlabeled.x`, then the rows `transfer` generated. */
export interface ExtraRows {
  /** [E, ...features], float32. */
  x: tf.Tensor;
  rows: number;
  unlabeledRows: number;
  generatedRows: number;
  /**
   * The data half of the cache key of the teacher's outputs on `x`: the features' fingerprint for
   * `unlabeled` alone (the training rows' scheme); with generated rows also the generator, its
   * options and seed, and the training rows they came from.
   */
  dataKey: string;
  /** Tensors made here, freed when the run ends. */
  owned: tf.Tensor[];
}

/**
 * Reads and checks `unlabeled.x` (finite values; shapes were checked with the options) and
 * generates the `transfer` rows from the (checked) training rows: once per run, before training.
 */
export function prepareExtraRows(
  options: DistillOptions<TrainingData>,
  train: PreparedData,
): Promise<ExtraRows | undefined> {
  return buildExtraRows({
    ...(options.unlabeled !== undefined ? { unlabeled: options.unlabeled as UnlabeledData } : {}),
    ...(options.transfer ? { transfer: options.transfer } : {}),
    trainX: train.x,
    ...(train.fingerprint !== undefined ? { trainFingerprint: train.fingerprint } : {}),
  });
}

/** What {@link buildExtraRows} makes its rows from. */
export interface ExtraRowsSource {
  unlabeled?: UnlabeledData;
  transfer?: TransferOptions;
  /** The training features the transfer rows are generated from. */
  trainX: tf.Tensor;
  /** Their fingerprint, for the cache key of the generated rows' teacher outputs. */
  trainFingerprint?: string;
}

/** The unlabelled rows followed by the generated ones, checked, with their cache key; undefined when there are none. */
export async function buildExtraRows(source: ExtraRowsSource): Promise<ExtraRows | undefined> {
  const { unlabeled, transfer } = source;
  if (!unlabeled && !transfer) return undefined;
  const owned: tf.Tensor[] = [];
  try {
    const parts: tf.Tensor[] = [];
    const key: string[] = [];
    let unlabeledRows = 0;
    let generatedRows = 0;
    if (unlabeled) {
      const values = await unlabeled.x.data();
      const problem = findNonFinite(values, { name: 'unlabeled.x' }, 'Clean or impute the features first.');
      if (problem) throw problem;
      parts.push(unlabeled.x);
      key.push(fingerprintOf(unlabeled.x, values));
      unlabeledRows = unlabeled.x.shape[0]!;
    }
    if (transfer) {
      const generated = await generateTransferRows(source.trainX, transfer);
      owned.push(generated);
      const values = await generated.data();
      // Finite rows give finite rows, unless a value overflows float32 on the way.
      const problem = findNonFinite(
        values,
        { name: `transfer rows (${transfer.method})` },
        'Scale the features first.',
      );
      if (problem) throw problem;
      parts.push(generated);
      key.push(`${transferRecipe(transfer)}<${source.trainFingerprint ?? ''}>${fingerprintValues(generated, values)}`);
      generatedRows = generated.shape[0]!;
    }
    const x =
      parts.length === 1 && parts[0]!.dtype === 'float32'
        ? parts[0]!
        : tf.tidy(() => tf.concat(parts.map((p) => tf.cast(p, 'float32'))));
    if (x !== parts[0]) owned.push(x);
    const dataKey =
      transfer === undefined ? key[0]! : `extra-${key.reduce((h, k) => h.update(k), new ContentHash()).digest()}`;
    return { x, rows: unlabeledRows + generatedRows, unlabeledRows, generatedRows, dataKey, owned };
  } catch (e) {
    tf.dispose(owned);
    throw e;
  }
}
