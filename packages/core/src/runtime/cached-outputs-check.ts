import { KdError } from '../errors/kd-error.js';
import type { CachedTeacherOutputs } from './types.js';

/**
 * Why `outputs` is not a well-formed cache entry (a Float32Array whose length matches a shape of
 * whole sizes, and a known kind), or `undefined` when it is. Caches use it on what they read
 * back; core uses it on every hit.
 */
export function cachedOutputsProblem(outputs: unknown): string | undefined {
  if (typeof outputs !== 'object' || outputs === null) return 'the entry is not an object';
  const o = outputs as Partial<CachedTeacherOutputs>;
  if (o.kind !== 'logits' && o.kind !== 'probabilities') return `unknown output kind ${JSON.stringify(o.kind)}`;
  if (!Array.isArray(o.shape) || o.shape.some((d) => !Number.isInteger(d) || d < 0))
    return 'the shape is not a list of whole sizes';
  if (!(o.values instanceof Float32Array)) return 'the values are not a Float32Array';
  const expected = o.shape.reduce((a, b) => a * b, 1);
  if (expected !== o.values.length)
    return `shape [${o.shape.join(', ')}] needs ${expected} values but the entry has ${o.values.length}`;
  return undefined;
}

/**
 * Throws `KD_SHAPE_MISMATCH` (or `KD_INVALID_ARGUMENT` for an unknown kind) unless `outputs` can be
 * stored under `key`; every cache's `set` calls it so that all caches refuse the same inputs.
 *
 * @example
 * ```ts
 * assertStorableOutputs('t|x', { values: new Float32Array(6), shape: [3, 2], kind: 'logits' }); // fine
 * ```
 */
export function assertStorableOutputs(key: string, outputs: CachedTeacherOutputs): void {
  const kind = (outputs as Partial<CachedTeacherOutputs> | null)?.kind;
  if (kind !== 'logits' && kind !== 'probabilities') {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `Teacher output kind must be "logits" or "probabilities"; got ${JSON.stringify(kind)} for "${key}".`,
      { key },
    );
  }
  const problem = cachedOutputsProblem(outputs);
  if (problem) {
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `Teacher outputs for "${key}" must be a Float32Array whose length matches the shape: ${problem}. Pass the values with their shape.`,
      { key, shape: Array.isArray(outputs.shape) ? [...outputs.shape] : outputs.shape },
    );
  }
}
