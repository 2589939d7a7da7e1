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
 * Writes `data` to `target` so readers see either the old file or the complete new one: the bytes
 * go to a temporary file in the same folder, are flushed to disk, and the file is renamed over
 * `target` (rename is atomic within one file system).
 */
export async function writeFileAtomic(target: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = siblingTempPath(target);
  const handle = await open(temp, 'wx');
  try {
    for (const chunk of Array.isArray(data) ? data : [data as Uint8Array]) await handle.write(chunk);
    await handle.datasync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Fills a fresh temporary folder with `fill(dir)` and then puts it at `target`, replacing what was
 * there. A reader never sees a half-written folder; while the old folder is swapped out, `target`
 * is briefly absent rather than mixed.
 */
export async function replaceDirAtomic(target: string, fill: (dir: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = siblingTempPath(target);
  await mkdir(temp);
  try {
    await fill(temp);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  const old = siblingTempPath(target, 'old');
  let hadOld = true;
  try {
    await rename(target, old);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
    hadOld = false;
  }
  await rename(temp, target);
  if (hadOld) await rm(old, { recursive: true, force: true });
}
