import type { CachedTeacherOutputs, TeacherCache } from './types.js';

/** A {@link TeacherCache} in memory: outputs live as long as the runtime object. */
export class MemoryTeacherCache implements TeacherCache {
  private readonly entries = new Map<string, CachedTeacherOutputs>();

  async get(key: string): Promise<CachedTeacherOutputs | undefined> {
    const e = this.entries.get(key);
    return e && { ...e, values: e.values.slice(), shape: [...e.shape] };
  }

  async set(key: string, outputs: CachedTeacherOutputs): Promise<void> {
    this.entries.set(key, { ...outputs, values: outputs.values.slice(), shape: [...outputs.shape] });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async clear(): Promise<void> {
    this.entries.clear();
  }
}
