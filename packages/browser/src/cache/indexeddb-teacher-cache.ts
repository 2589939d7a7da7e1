import { assertStorableOutputs, isKdError, type CachedTeacherOutputs, type TeacherCache } from '@kd/core';
import { cachedOutputsProblem, memoPromise } from '@kd/core/internal';
import { crc32 } from './crc32.js';
import { committed, openDatabase, request } from './idb.js';

/** Options for {@link IndexedDbTeacherCache}. */
export interface IndexedDbTeacherCacheOptions {
  /** IndexedDB database name (default `kd-teacher-outputs`); one per origin is enough. */
  databaseName?: string;
  /**
   * Called once when IndexedDB cannot serve as a cache (not available, blocked, over quota, a
   * newer database of the same name); the cache then acts as empty and training goes on.
   * Default: one `console.warn`.
   */
  onUnavailable?: (error: unknown) => void;
}

/** The record layout; `version` changes when it does. */
interface StoredEntry {
  version: 1;
  key: string;
  kind: 'logits' | 'probabilities';
  shape: number[];
  values: Float32Array;
  checksum: number;
}

const STORE = 'outputs';

/**
 * A {@link TeacherCache} in IndexedDB, so a page reload (or a worker) reuses teacher outputs
 * instead of running the teacher again. Each entry keeps the float32 values, shape, kind and a
 * CRC-32 over all of them; an entry that fails the check is deleted and read as a miss, so core
 * recomputes the outputs. Where IndexedDB cannot be used (not available, blocked, over quota), the
 * cache acts as empty and says so once through `onUnavailable`, instead of stopping training.
 *
 * @example
 * ```ts
 * const cache = new IndexedDbTeacherCache();
 * await cache.set('teacher@v1|train', { values, shape: [n, 10], kind: 'logits' });
 * const hit = await cache.get('teacher@v1|train'); // after a reload too
 * ```
 */
export class IndexedDbTeacherCache implements TeacherCache {
  readonly databaseName: string;
  private readonly onUnavailable: (error: unknown) => void;
  private warned = false;
  // A failed open (blocked, private mode) is retried on the next call.
  private readonly db = memoPromise(() => openDatabase(this.databaseName, STORE));

  constructor(options: IndexedDbTeacherCacheOptions = {}) {
    this.databaseName = options.databaseName ?? 'kd-teacher-outputs';
    this.onUnavailable =
      options.onUnavailable ??
      ((error) =>
        console.warn(
          `kd: the IndexedDB teacher cache "${this.databaseName}" is unusable ` +
            `(${error instanceof Error ? error.message : String(error)}); ` +
            'training goes on without caching teacher outputs.',
        ));
  }

  /** The entry of `key`; `undefined` when there is none, when it was corrupt (then deleted) or IndexedDB is unusable. */
  async get(key: string): Promise<CachedTeacherOutputs | undefined> {
    let raw: unknown;
    try {
      const db = await this.open();
      raw = await request(db.transaction(STORE, 'readonly').objectStore(STORE).get(key));
    } catch (error) {
      if (this.unusable(error)) return undefined;
      throw error;
    }
    if (raw === undefined) return undefined;
    if (checkEntry(raw, key) !== undefined) {
      // Derived data: a damaged record is recomputed, never handed to training nor kept to fail again.
      await this.delete(key);
      return undefined;
    }
    const entry = raw as StoredEntry;
    return { values: entry.values, shape: [...entry.shape], kind: entry.kind };
  }

  async set(key: string, outputs: CachedTeacherOutputs): Promise<void> {
    assertStorableOutputs(key, outputs);
    const shape = [...outputs.shape];
    const values = outputs.values.slice();
    const entry: StoredEntry = {
      version: 1,
      key,
      kind: outputs.kind,
      shape,
      values,
      checksum: checksumOf(key, outputs.kind, shape, values),
    };
    try {
      const db = await this.open();
      const tx = db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).put(entry, key);
      await committed(tx);
    } catch (error) {
      if (!this.unusable(error)) throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).delete(key);
    await committed(tx);
  }

  async clear(): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).clear();
    await committed(tx);
  }

  /** Keys of every stored entry. */
  async keys(): Promise<string[]> {
    const db = await this.open();
    const keys = await request(db.transaction(STORE, 'readonly').objectStore(STORE).getAllKeys());
    return keys.map(String);
  }

  /** Closes the connection (e.g. before `indexedDB.deleteDatabase`); the next call reopens it. */
  async close(): Promise<void> {
    if (!this.db.started) return;
    const db = this.db();
    this.db.reset();
    (await db.catch(() => undefined))?.close();
  }

  private open(): Promise<IDBDatabase> {
    return this.db();
  }

  /** Whether `error` means IndexedDB cannot hold this cache (rather than a bug); reports it the first time. */
  private unusable(error: unknown): boolean {
    const storage = error instanceof DOMException || isKdError(error, 'KD_INVALID_ARGUMENT');
    if (storage && !this.warned) {
      this.warned = true;
      this.onUnavailable(error);
    }
    return storage;
  }
}

function checksumOf(key: string, kind: string, shape: number[], values: Float32Array): number {
  return crc32([`kd-teacher-outputs/1|${key}|${kind}|${shape.join('x')}|`, values]);
}

/** Why a stored record cannot be trusted, or undefined when it can. */
function checkEntry(raw: unknown, key: string): string | undefined {
  if (typeof raw !== 'object' || raw === null) return 'the record is not an object';
  const e = raw as StoredEntry;
  if (e.version !== 1) return `unknown record version ${String(e.version)}`;
  if (e.key !== key) return 'the record belongs to another key';
  const problem = cachedOutputsProblem(e);
  if (problem) return problem;
  if (e.checksum !== checksumOf(key, e.kind, e.shape, e.values)) return 'the checksum does not match the values';
  return undefined;
}
