import { KdError, type CachedTeacherOutputs, type TeacherCache } from '@kd/core';
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
 * CRC-32 over all of them; an entry that fails the check is deleted and reported as
 * `KD_CACHE_CORRUPT` (the next run recomputes it).
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
  private db: Promise<IDBDatabase> | undefined;

  constructor(options: IndexedDbTeacherCacheOptions = {}) {
    this.databaseName = options.databaseName ?? 'kd-teacher-outputs';
  }

  async get(key: string): Promise<CachedTeacherOutputs | undefined> {
    const db = await this.open();
    const raw: unknown = await request(db.transaction(STORE, 'readonly').objectStore(STORE).get(key));
    if (raw === undefined) return undefined;
    const problem = checkEntry(raw, key);
    if (problem) {
      await this.delete(key);
      throw new KdError(
        'KD_CACHE_CORRUPT',
        `The cached teacher outputs for "${key}" in IndexedDB database "${this.databaseName}" were unusable (${problem}) and have been deleted. Run again and the teacher outputs will be recomputed.`,
        { key, database: this.databaseName, problem },
      );
    }
    const entry = raw as StoredEntry;
    return { values: entry.values, shape: [...entry.shape], kind: entry.kind };
  }

  async set(key: string, outputs: CachedTeacherOutputs): Promise<void> {
    const shape = [...outputs.shape];
    const expected = shape.reduce((a, b) => a * b, 1);
    if (
      shape.some((d) => !Number.isInteger(d) || d < 0) ||
      !(outputs.values instanceof Float32Array) ||
      expected !== outputs.values.length
    ) {
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        `Teacher outputs for "${key}" must be a Float32Array whose length matches the shape: got ${outputs.values?.length} values for shape [${shape.join(', ')}] (${expected}).`,
        { key, shape },
      );
    }
    if (outputs.kind !== 'logits' && outputs.kind !== 'probabilities') {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `Teacher output kind must be "logits" or "probabilities"; got ${JSON.stringify(outputs.kind)}.`,
        { key },
      );
    }
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
    const db = this.db;
    this.db = undefined;
    if (db) (await db.catch(() => undefined))?.close();
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= openDatabase(this.databaseName, STORE);
    this.db.catch(() => {
      this.db = undefined;
    });
    return this.db;
  }
}

function checksumOf(key: string, kind: string, shape: number[], values: Float32Array): number {
  return crc32([`kd-teacher-outputs/1|${key}|${kind}|${shape.join('x')}|`, values]);
}

/** Why a stored record cannot be trusted, or undefined when it can. */
function checkEntry(raw: unknown, key: string): string | undefined {
  if (typeof raw !== 'object' || raw === null) return 'the record is not an object';
  const e = raw as Partial<StoredEntry>;
  if (e.version !== 1) return `unknown record version ${String(e.version)}`;
  if (e.key !== key) return 'the record belongs to another key';
  if (e.kind !== 'logits' && e.kind !== 'probabilities') return `unknown output kind ${JSON.stringify(e.kind)}`;
  if (!Array.isArray(e.shape) || e.shape.some((d) => !Number.isInteger(d) || d < 0))
    return 'the shape is not a list of sizes';
  if (!(e.values instanceof Float32Array)) return 'the values are not a Float32Array';
  const expected = e.shape.reduce((a, b) => a * b, 1);
  if (expected !== e.values.length)
    return `shape [${e.shape.join(', ')}] needs ${expected} values but ${e.values.length} are stored`;
  if (e.checksum !== checksumOf(key, e.kind, e.shape, e.values)) return 'the checksum does not match the values';
  return undefined;
}
