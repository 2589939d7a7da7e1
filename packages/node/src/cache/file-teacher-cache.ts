import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KdError, type CachedTeacherOutputs, type TeacherCache } from '@kd/core';
import { isTempName, writeFileAtomic } from '../io/atomic-write.js';
import { decodeEntry, encodeEntry, type StoredPrecision } from './teacher-cache-format.js';

/** Precision teacher outputs are stored at. `float16` halves the disk use (relative error ≤ 2^-11). */
export type TeacherCachePrecision = StoredPrecision;

export interface FileTeacherCacheOptions {
  /** Default `float32` (exact). */
  precision?: TeacherCachePrecision;
}

const EXTENSION = '.kdtc';

/**
 * A {@link TeacherCache} on disk: one binary file per key (header, SHA-256 checksum, float32 or
 * float16 values). Writes go to a temporary file renamed into place, so a reader sees the old
 * entry or the new one, never a partial file; a damaged file raises `KD_CACHE_CORRUPT` instead of
 * handing wrong numbers to training.
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

  async get(key: string): Promise<CachedTeacherOutputs | undefined> {
    const path = this.pathOf(key);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const decoded = decodeEntry(bytes, key);
    if ('problem' in decoded) {
      throw new KdError(
        'KD_CACHE_CORRUPT',
        `The cached teacher outputs for "${key}" in ${path} are unusable: ${decoded.problem}. Delete the entry (cache.delete(key) or remove the file) and the teacher outputs will be recomputed.`,
        { key, path },
      );
    }
    return decoded.outputs;
  }

  async set(key: string, outputs: CachedTeacherOutputs): Promise<void> {
    const expected = outputs.shape.reduce((a, b) => a * b, 1);
    if (
      outputs.shape.some((d) => !Number.isInteger(d) || d < 0 || d > 0xffffffff) ||
      expected !== outputs.values.length
    ) {
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        `Teacher outputs for "${key}" have ${outputs.values.length} values but shape [${outputs.shape.join(', ')}] holds ${expected}. Pass the shape of the values.`,
        { key, shape: outputs.shape, length: outputs.values.length },
      );
    }
    await writeFileAtomic(this.pathOf(key), encodeEntry(key, outputs, this.precision));
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
}
