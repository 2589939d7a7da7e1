import { assertStorableOutputs } from './cached-outputs-check.js';
import type { CachedTeacherOutputs, TeacherCache } from './types.js';

/**
 * A {@link TeacherCache} in memory: outputs live as long as the runtime object. It keeps copies,
 * so neither the caller's buffers nor a hit's values can change what is stored.
 *
 * @example
 * ```ts
 * const cache = new MemoryTeacherCache();
 * await cache.set('t|x', { values: new Float32Array([0.5, -1]), shape: [1, 2], kind: 'logits' });
 * (await cache.get('t|x'))?.values; // Float32Array [0.5, -1]
 * ```
 */
export class MemoryTeacherCache implements TeacherCache {
  private readonly entries = new Map<string, CachedTeacherOutputs>();

  async get(key: string): Promise<CachedTeacherOutputs | undefined> {
    const e = this.entries.get(key);
    return e && { ...e, values: e.values.slice(), shape: [...e.shape] };
  }

  async set(key: string, outputs: CachedTeacherOutputs): Promise<void> {
    assertStorableOutputs(key, outputs);
    this.entries.set(key, { kind: outputs.kind, values: outputs.values.slice(), shape: [...outputs.shape] });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async clear(): Promise<void> {
    this.entries.clear();
  }
}
