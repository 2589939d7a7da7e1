import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { assertStorableOutputs, KdError, type CachedTeacherOutputs, type TeacherCache } from '@kd/core';
import { isTempName, writeFileAtomic } from '../io/atomic-write.js';
import { decodeEntry, encodeEntry, type StoredPrecision } from './teacher-cache-format.js';

/** Precision teacher outputs are stored at. `float16` halves the disk use (relative error ≤ 2^-11). */
export type TeacherCachePrecision = StoredPrecision;

export interface FileTeacherCacheOptions {
  /** Default `float32` (exact). */
  precision?: TeacherCachePrecision;
}

const EXTENSION = '.kdtc';

/** The `code` of the process warning an unusable cache folder raises (once per cache). */
export const CACHE_UNWRITABLE_WARNING = 'KD_CACHE_UNWRITABLE';

/** File-system errors that mean "this folder cannot hold a cache", as opposed to a bug. */
const UNUSABLE_FOLDER = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOTDIR',
  'EEXIST',
  'EISDIR',
  'ENOSPC',
  'EDQUOT',
  'ELOOP',
]);

/**
 * A {@link TeacherCache} on disk: one binary file per key (header, SHA-256 checksum, float32 or
 * float16 values). Writes go to a temporary file renamed into place, so a reader sees the old
 * entry or the new one, never a partial file. A damaged file (truncated, checksum mismatch,
 * another key's entry, a float16 entry holding ±Infinity) is deleted and read as a miss, so core
 * recomputes the outputs. With `float16`, an entry with a value beyond float16's ±65504 is stored
 * at float32 instead of turning into ±Infinity. A folder that cannot be read or written degrades
 * to no cache with one process warning (code `KD_CACHE_UNWRITABLE`) instead of stopping training.
 *
 * @example
 * ```ts
 * const cache = new FileTeacherCache('./.kd-cache', { precision: 'float16' });
 * await cache.set('resnet@v1:train', { values, shape: [n, 10], kind: 'logits' });
 * const hit = await cache.get('resnet@v1:train'); // Float32Array values, same shape
 * ```
 */
export class FileTeacherCache implements TeacherCache {
  readonly dir: string;
  readonly precision: TeacherCachePrecision;
  private warned = false;

  constructor(dir: string, options: FileTeacherCacheOptions = {}) {
    this.dir = resolve(dir);
    this.precision = options.precision ?? 'float32';
    if (this.precision !== 'float32' && this.precision !== 'float16') {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `Teacher cache precision must be "float32" or "float16", got "${String(this.precision)}".`,
        { precision: this.precision },
      );
    }
  }

  /** The file that holds `key` (named by the key's SHA-256, so any string is a valid key). */
  pathOf(key: string): string {
    return join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 40)}${EXTENSION}`);
  }

  /** The entry of `key`; `undefined` when there is none, when it was corrupt (the file is then deleted) or the folder is unreadable. */
  async get(key: string): Promise<CachedTeacherOutputs | undefined> {
    const path = this.pathOf(key);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      if (this.unusable(error, 'read')) return undefined;
      throw error;
    }
    const decoded = decodeEntry(bytes, key);
    if ('problem' in decoded) {
      // Derived data: a damaged entry is recomputed, never handed to training nor kept to fail again.
      await rm(path, { force: true }).catch(() => undefined);
      return undefined;
    }
    return decoded.outputs;
  }

  async set(key: string, outputs: CachedTeacherOutputs): Promise<void> {
    assertStorableOutputs(key, outputs);
    if (outputs.shape.some((d) => d > 0xffffffff)) {
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        `Teacher outputs for "${key}" have a dimension above 2^32 - 1 ([${outputs.shape.join(', ')}]), more than the cache format holds.`,
        { key, shape: [...outputs.shape] },
      );
    }
    // float16 turns |v| ≥ 65520 into ±Infinity: such an entry is kept exact at float32 instead.
    const precision = this.precision === 'float16' && fitsFloat16(outputs.values) ? 'float16' : 'float32';
    try {
      await writeFileAtomic(this.pathOf(key), encodeEntry(key, outputs, precision));
    } catch (error) {
      if (!this.unusable(error, 'write')) throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /** Removes every entry, and temporary files a crashed writer left behind. Other files stay. */
  async clear(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    await Promise.all(
      names
        .filter((n) => n.endsWith(EXTENSION) || (isTempName(n) && n.includes(EXTENSION)))
        .map((n) => rm(join(this.dir, n), { force: true })),
    );
  }

  /** Whether `error` means the folder cannot serve as a cache; warns the first time it does. */
  private unusable(error: unknown, action: 'read' | 'write'): boolean {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined || !UNUSABLE_FOLDER.has(code)) return false;
    if (!this.warned) {
      this.warned = true;
      process.emitWarning(
        `kd could not ${action} its teacher cache in ${this.dir} (${code}); ` +
          'training goes on without caching teacher outputs there. ' +
          'Pass a writable cacheDir (or KD_CACHE_DIR) to cache them.',
        { code: CACHE_UNWRITABLE_WARNING, type: 'KdWarning', detail: (error as Error).message },
      );
    }
    return true;
  }
}

/** float16 rounds magnitudes below this to a finite value (≤ 65504); 65520 and above become ±Infinity. */
const FLOAT16_ROUNDS_FINITE_BELOW = 65520;

function fitsFloat16(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) {
    if (!(Math.abs(values[i] as number) < FLOAT16_ROUNDS_FINITE_BELOW)) return false;
  }
  return true;
}
