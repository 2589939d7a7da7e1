import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A name next to `target` that readers skip: a leading dot plus a random suffix. */
export function siblingTempPath(target: string, purpose: 'tmp' | 'old' = 'tmp'): string {
  return join(dirname(target), `.${basename(target)}.${purpose}-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/** Whether `name` is one of the temporary names {@link siblingTempPath} makes. */
export function isTempName(name: string): boolean {
  return /^\..+\.(tmp|old)-\d+-[0-9a-f]{12}$/.test(name);
}

/**
 * Flushes a folder's entries (new names, renames, deletions) to disk, so a rename that returned is
 * still there after a power cut. Windows cannot open folders for syncing; there it is skipped.
 */
export async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EISDIR' && code !== 'EINVAL') throw error;
  } finally {
    await handle.close();
  }
}

/** Writes `data` to a new file `path` (failing if it exists) and flushes it to disk. */
export async function writeFileSynced(path: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    for (const chunk of Array.isArray(data) ? data : [data as Uint8Array]) await handle.write(chunk);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(path, { force: true });
    throw error;
  }
  await handle.close();
}

/**
 * Writes `data` to `target` so readers see either the old file or the complete new one: the bytes
 * go to a temporary file in the same folder, are flushed to disk, and the file is renamed over
 * `target` (rename is atomic within one file system); the folder is then flushed too.
 *
 * @example
 * ```ts
 * await writeFileAtomic('run/metrics.json', JSON.stringify(metrics));
 * ```
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array | readonly Uint8Array[],
): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = siblingTempPath(target);
  await writeFileSynced(temp, typeof data === 'string' ? Buffer.from(data) : data);
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDir(dirname(target));
}
