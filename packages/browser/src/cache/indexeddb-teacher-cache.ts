import {
  assertStorableOutputs,
  cachedOutputsProblem,
  memoPromise,
  type CachedTeacherOutputs,
  type TeacherCache,
} from '@kd/core';
import { crc32 } from './crc32.js';
import { committed, openDatabase, request } from './idb.js';

/** Options for {@link IndexedDbTeacherCache}. */
export interface IndexedDbTeacherCacheOptions {
  /** IndexedDB database name (default `kd-teacher-outputs`); one per origin is enough. */
  databaseName?: string;
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
 * recomputes the outputs.
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
  // A failed open (blocked, private mode) is retried on the next call.
  private readonly db = memoPromise(() => openDatabase(this.databaseName, STORE));

  constructor(options: IndexedDbTeacherCacheOptions = {}) {
    this.databaseName = options.databaseName ?? 'kd-teacher-outputs';
  }

  async get(key: string): Promise<CachedTeacherOutputs | undefined> {
    const db = await this.open();
    const raw: unknown = await request(db.transaction(STORE, 'readonly').objectStore(STORE).get(key));
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
    const db = await this.open();
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(entry, key);
    await committed(tx);
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
