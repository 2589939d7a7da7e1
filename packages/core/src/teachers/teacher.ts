import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { requireWholeNumber } from '../values/sizes.js';
import { ContentHash } from '../util/hash.js';

/** Whether a model's outputs are raw logits or probabilities (sigmoid / softmax applied). */
import type { OutputKind } from '../outputs/output-kind.js';

/** Options for computing a teacher's outputs over a whole data set. */
export interface PredictDatasetOptions {
  batchSize: number;
  /** Called between batches so long predictions do not block a page. */
  nextTick?: () => Promise<void>;
}

/**
 * A frozen model whose outputs the student learns from. kd never trains a teacher.
 *
 * Create one with {@link teacher}, {@link precomputedTeacher} or {@link ensemble}.
 */
export interface Teacher {
  /** Human-readable name, used in logs and reports. */
  readonly name: string;
  readonly output: OutputKind;
  /** Outputs for every row of `x`, shape [N, units], of kind {@link Teacher.output}. */
  predictDataset(x: tf.Tensor, options: PredictDatasetOptions): Promise<tf.Tensor2D>;
  /** A key that changes when the teacher's function changes; used to key persistent caches. */
  cacheKey(): Promise<string>;
  /**
   * True for teachers that answer by row position rather than by features (precomputed outputs):
   * they fit only the one data set whose rows they were computed for, so streamed data, whose
   * batches arrive one at a time, cannot use them.
   */
  readonly byRowPosition?: boolean;
}

/** The minimal shape of a tfjs-layers `LayersModel` that kd relies on. */
export interface LayersModelLike {
  name: string;
  layers: Array<{ getConfig(): Record<string, unknown>; name: string }>;
  predict(x: tf.Tensor | tf.Tensor[], config?: unknown): tf.Tensor | tf.Tensor[];
  getWeights(trainableOnly?: boolean): tf.Tensor[];
  toJSON(unused?: unknown, returnString?: boolean): string | object;
}

/** The minimal shape of a tfjs-converter `GraphModel` that kd relies on. */
export interface GraphModelLike {
  predict(
    x: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap,
    config?: unknown,
  ): tf.Tensor | tf.Tensor[] | tf.NamedTensorMap;
  executeAsync(
    x: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap,
    outputs?: string | string[],
  ): Promise<tf.Tensor | tf.Tensor[]>;
  execute(x: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap, outputs?: string | string[]): tf.Tensor | tf.Tensor[];
  readonly weights?: Record<string, tf.Tensor[]>;
}

/** Anything {@link teacher} accepts. */
export type TeacherSource = LayersModelLike | GraphModelLike | ((x: tf.Tensor) => tf.Tensor) | Teacher;

/** Options for {@link teacher}. */
export interface TeacherOptions {
  /** Whether the model outputs logits or probabilities. Inferred for layers models from the last layer's activation; required otherwise. */
  output?: OutputKind;
  /** Display name. */
  name?: string;
  /**
   * A stable identity for persistent caches. Layers and graph models get one from their
   * weights; a plain function does not, so give one if its outputs should be cached across runs.
   */
  id?: string;
}

export function isLayersModel(m: unknown): m is LayersModelLike {
  return (
    typeof m === 'object' &&
    m !== null &&
    Array.isArray((m as LayersModelLike).layers) &&
    typeof (m as LayersModelLike).predict === 'function' &&
    typeof (m as LayersModelLike).getWeights === 'function'
  );
}

export function isGraphModel(m: unknown): m is GraphModelLike {
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof (m as GraphModelLike).executeAsync === 'function' &&
    typeof (m as GraphModelLike).execute === 'function'
  );
}

export function isTeacher(t: unknown): t is Teacher {
  return (
    typeof t === 'object' &&
    t !== null &&
    typeof (t as Teacher).predictDataset === 'function' &&
    typeof (t as Teacher).cacheKey === 'function'
  );
}

/**
 * Reads the activation of a layers model's last layer: `sigmoid`/`softmax` mean probabilities,
 * `linear` means logits. Returns undefined when it cannot tell.
 */
export function inferLayersOutput(model: LayersModelLike): OutputKind | undefined {
  const last = model.layers[model.layers.length - 1];
  const activation = last?.getConfig().activation;
  if (activation === 'sigmoid' || activation === 'softmax') return 'probabilities';
  if (activation === 'linear') return 'logits';
  return undefined;
}

let anonymous = 0;

/**
 * Wraps a tfjs `LayersModel`, a `GraphModel` (e.g. a Keras or TF model converted with
 * tfjs-converter) or a function `(x) => Tensor` as a {@link Teacher}.
 *
 * @example
 * ```ts
 * const t = teacher(await tf.loadLayersModel('file://teacher/model.json'));
 * const fromGraph = teacher(await loadGraphModel(url), { output: 'logits' });
 * const fromFn = teacher((x) => tf.sigmoid(tf.sum(x, 1, true)), { output: 'probabilities', id: 'sum-v1' });
 * ```
 */
export function teacher(source: TeacherSource, options: TeacherOptions = {}): Teacher {
  if (isTeacher(source)) return source;
  if (isLayersModel(source)) {
    const output = options.output ?? inferLayersOutput(source);
    if (!output) throw outputRequired(`layers model "${source.name}"`, 'its last layer has a custom activation');
    return new ModelTeacher(
      options.name ?? source.name,
      output,
      (x) => source.predict(x) as tf.Tensor,
      async () => options.id ?? (await fingerprintLayersModel(source)),
    );
  }
  if (isGraphModel(source)) {
    if (!options.output)
      throw outputRequired('graph model', 'a converted graph does not say whether it ends in a sigmoid/softmax');
    return new GraphTeacher(options.name ?? 'graph-model', options.output, source, options.id);
  }
  if (typeof source === 'function') {
    if (!options.output) throw outputRequired('function teacher', 'a function does not say what it returns');
    const id = options.id ?? `fn-${++anonymous}-${Date.now().toString(36)}`;
    return new ModelTeacher(
      options.name ?? (source.name || 'function-teacher'),
      options.output,
      source,
      async () => id,
    );
  }
  throw new KdError(
    'KD_TEACHER_INVALID',
    'A teacher must be a tfjs LayersModel, a GraphModel, a function (x) => Tensor, or a Teacher (see precomputedTeacher and ensemble).',
    { got: typeof source },
  );
}

function outputRequired(what: string, why: string): KdError {
  return new KdError(
    'KD_TEACHER_INVALID',
    `Say whether the ${what} outputs logits or probabilities: pass { output: 'logits' } or { output: 'probabilities' } (${why}).`,
  );
}

/** Runs `predictBatch` over `x` in batches and concatenates; intermediate tensors are freed. */
export async function predictInBatches(
  x: tf.Tensor,
  batchSize: number,
  predictBatch: (batch: tf.Tensor) => tf.Tensor | Promise<tf.Tensor>,
  nextTick?: () => Promise<void>,
): Promise<tf.Tensor2D> {
  // A zero batch never advances and a fractional one misaligns rows: refuse both before slicing.
  requireWholeNumber('batchSize', batchSize, { min: 1 });
  const n = x.shape[0]!;
  const parts: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const batch = tf.slice(x, start, size);
      try {
        const out = await predictBatch(batch);
        parts.push(tf.tidy(() => as2d(out, size)));
        if (out !== batch) out.dispose();
      } finally {
        batch.dispose();
      }
      await nextTick?.();
    }
    return parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
  } finally {
    if (parts.length > 1) parts.forEach((p) => p.dispose());
  }
}

function as2d(out: tf.Tensor, rows: number): tf.Tensor2D {
  if (out.rank === 1 && out.shape[0] === rows) return tf.reshape(out, [rows, 1]);
  if (out.rank === 2 && out.shape[0] === rows) return tf.clone(out) as tf.Tensor2D;
  throw new KdError(
    'KD_TEACHER_INVALID',
    `A teacher returned shape [${out.shape.join(', ')}] for a batch of ${rows}; expected [${rows}] or [${rows}, units].`,
    { shape: out.shape },
  );
}

class ModelTeacher implements Teacher {
  constructor(
    readonly name: string,
    readonly output: OutputKind,
    private readonly fn: (x: tf.Tensor) => tf.Tensor,
    readonly cacheKey: () => Promise<string>,
  ) {}

  predictDataset(x: tf.Tensor, options: PredictDatasetOptions): Promise<tf.Tensor2D> {
    return predictInBatches(x, options.batchSize, (b) => tf.tidy(() => this.fn(b)), options.nextTick);
  }
}

class GraphTeacher implements Teacher {
  private asyncOnly = false;
  constructor(
    readonly name: string,
    readonly output: OutputKind,
    private readonly model: GraphModelLike,
    private readonly id?: string,
  ) {}

  predictDataset(x: tf.Tensor, options: PredictDatasetOptions): Promise<tf.Tensor2D> {
    return predictInBatches(
      x,
      options.batchSize,
      async (b) => {
        if (!this.asyncOnly) {
          try {
            return tf.tidy(() => first(this.model.predict(b) as tf.Tensor | tf.Tensor[]));
          } catch (e) {
            // Graphs with control flow or dynamic shapes can only run with executeAsync.
            if (!(e instanceof Error && /executeAsync/.test(e.message))) throw e;
            this.asyncOnly = true;
          }
        }
        const out = await this.model.executeAsync(b);
        const result = first(out);
        if (Array.isArray(out)) out.forEach((t) => t !== result && t.dispose());
        return result;
      },
      options.nextTick,
    );
  }

  async cacheKey(): Promise<string> {
    if (this.id) return this.id;
    const h = new ContentHash().update('graph');
    for (const [name, tensors] of Object.entries(this.model.weights ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      h.update(name);
      for (const t of tensors) h.update(await t.data());
    }
    return `graph-${h.digest()}`;
  }
}

function first(out: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(out) ? out[0]! : out;
}

/** Hash of a layers model's topology and weight values: changes when the model changes. */
export async function fingerprintLayersModel(model: LayersModelLike): Promise<string> {
  const h = new ContentHash().update(JSON.stringify(model.toJSON(undefined, false)));
  for (const w of model.getWeights()) {
    h.update(w.shape.join('x'));
    h.update(await w.data());
  }
  return `layers-${h.digest()}`;
}
