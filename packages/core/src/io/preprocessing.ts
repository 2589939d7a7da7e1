import { KdError } from '../errors/kd-error.js';

/**
 * What a model needs done to a raw row before it sees it: the `preprocessing.json` that the kd
 * command (`kd distill`, `kd train-teacher`, `kd export`) saves next to a model's `model.json`,
 * and that `kd evaluate` and the browser's `loadStudent` apply, so a deployed model sees the
 * features it was trained on. Model input = (reader value − mean) / std, where the reader value of
 * an image pixel is pixel × `image.scale`.
 */
export interface Preprocessing {
  format: 'kd-preprocessing';
  version: 1;
  /** Data format the model was trained on. */
  source: 'csv' | 'jsonl' | 'idx' | 'images';
  /** Feature columns in input order (tables); null for images. */
  features: string[] | null;
  /** The label column (tables) or label file (IDX). */
  label: string | null;
  /** Class names in output order, when known. */
  classes: string[] | null;
  numClasses: number;
  /** Shape of one input row, e.g. `[28, 28, 1]` for images or `[10]` for a table. */
  inputShape: number[];
  image: { height: number; width: number; channels: number; scale: number } | null;
  /**
   * Mean and standard deviation of the training split, one per input value (per feature for a
   * table), or null when the model was trained on the values as read.
   */
  standardize: { mean: number[]; std: number[] } | null;
}

/** The file name the preprocessing is saved under, next to `model.json`. */
export const PREPROCESSING_FILE = 'preprocessing.json';

/** The one version of the format there is: {@link parsePreprocessing} reads it, and nothing else. */
export const PREPROCESSING_VERSION = 1;

const SOURCES: readonly string[] = ['csv', 'jsonl', 'idx', 'images'] satisfies Preprocessing['source'][];
const isPositiveInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
const isFiniteList = (v: unknown, n: number) =>
  Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * Checks a parsed `preprocessing.json` and returns it typed. Anything else raises `KD_DATA_INVALID`
 * naming `where` and the first field that is wrong, followed by `fix` (what the reader should do,
 * e.g. export the model again).
 */
export function parsePreprocessing(value: unknown, where: string, fix: string): Preprocessing {
  const fail = (what: string): never => {
    throw new KdError('KD_DATA_INVALID', `${where} is not a kd preprocessing file: ${what}. ${fix}`, { where });
  };
  if (!value || typeof value !== 'object') fail('it is not a JSON object');
  const p = value as Partial<Preprocessing>;
  if (p.format !== 'kd-preprocessing') fail(`"format" is ${JSON.stringify(p.format)}, expected "kd-preprocessing"`);
  if (p.version !== PREPROCESSING_VERSION)
    fail(`"version" is ${JSON.stringify(p.version)}; this version of kd reads version ${PREPROCESSING_VERSION}`);
  if (!SOURCES.includes(p.source as string)) fail(`"source" is ${JSON.stringify(p.source)}`);
  if (!Array.isArray(p.inputShape) || p.inputShape.length === 0 || !p.inputShape.every(isPositiveInt))
    fail('"inputShape" must be a list of positive integers');
  const width = p.inputShape!.reduce((a, b) => a * b, 1);
  if (p.features !== null && (!Array.isArray(p.features) || p.features.length !== width))
    fail(`"features" must be null or ${width} column names (the input row's width)`);
  if (p.image !== null) {
    const im = p.image;
    if (!im || ![im.height, im.width, im.channels].every(isPositiveInt) || !(im.scale > 0))
      fail('"image" must be null or { height, width, channels, scale } with positive values');
    if (p.inputShape!.join() !== [im!.height, im!.width, im!.channels].join())
      fail(
        `"image" (${im!.height}×${im!.width}×${im!.channels}) disagrees with "inputShape" [${p.inputShape!.join(', ')}]`,
      );
  }
  if (p.standardize !== null) {
    const s = p.standardize;
    if (!s || !isFiniteList(s.mean, width) || !isFiniteList(s.std, width))
      fail(`"standardize" must be null or { mean, std } with ${width} finite numbers each`);
    if (s!.std.some((v) => v <= 0)) fail('"standardize.std" holds a value ≤ 0');
  }
  if (!isPositiveInt(p.numClasses)) fail('"numClasses" must be a positive integer');
  return p as Preprocessing;
}
