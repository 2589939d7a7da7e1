import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { KdError } from '@kd/core';
import { writeFileAtomic } from '@kd/node';

/** The file that marks a folder as written by kd, so a later run may reuse it. */
export const RUN_MARKER = 'kd-run.json';

/**
 * Makes `dir` ready for a kd run: creates it, or accepts it when it is empty or holds an earlier
 * kd run (it has {@link RUN_MARKER}). Any other folder is refused, so kd never overwrites files
 * it was not given. Then writes the marker.
 */
export async function claimOutputFolder(
  dir: string,
  command: string,
  data?: unknown,
  extra: Pick<RunMarker, 'options' | 'paths' | 'cwd'> = {},
): Promise<void> {
  checkOutputFolder(dir);
  await mkdir(dir, { recursive: true });
  const marker: RunMarker = {
    format: 'kd-run',
    command,
    createdAt: new Date().toISOString(),
    ...(data ? { data } : {}),
    ...extra,
  };
  await writeFileAtomic(join(dir, RUN_MARKER), JSON.stringify(marker, null, 2) + '\n');
}

/** Contents of {@link RUN_MARKER}: which command wrote the folder and, for runs, the data options (to rebuild the test split) and the run's options (to resume it). */
export interface RunMarker {
  format: 'kd-run';
  command: string;
  createdAt: string;
  data?: unknown;
  /** `kd distill`: every option of the run as given, so `--resume` can continue it... */
  options?: Record<string, unknown>;
  /** ...the folder they were given in... */
  cwd?: string;
  /** ...and the paths among them made absolute, for a resume started elsewhere. */
  paths?: Record<string, unknown>;
}

/** The marker of a kd run folder, or undefined when `dir` is not one. */
export async function readRunMarker(dir: string): Promise<RunMarker | undefined> {
  try {
    const marker = JSON.parse(await readFile(join(dir, RUN_MARKER), 'utf8')) as RunMarker;
    return marker.format === 'kd-run' ? marker : undefined;
  } catch {
    return undefined;
  }
}

/** Throws unless `dir` is absent, empty, or an earlier kd run; touches nothing. */
export function checkOutputFolder(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory())
    throw new KdError('KD_OUTPUT_NOT_EMPTY', `--out ${dir} is a file, not a folder. Choose a new folder name.`, {
      dir,
    });
  const entries = readdirSync(dir);
  if (entries.length === 0 || entries.includes(RUN_MARKER)) return;
  throw new KdError(
    'KD_OUTPUT_NOT_EMPTY',
    `--out ${dir} already holds files that kd did not write (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}). Choose a new or empty folder; kd only reuses folders of earlier kd runs.`,
    { dir },
  );
}

function tempName(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/**
 * Writes a whole folder (e.g. a model with its weights and preprocessing) so it is replaced in
 * one step: the files go to a temporary sibling folder, which is then renamed into place.
 */
export async function writeFolderAtomic(target: string, files: Record<string, string | Uint8Array>): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = tempName(target);
  await mkdir(temp);
  try {
    for (const [name, data] of Object.entries(files)) await writeFile(join(temp, name), data);
    const old = existsSync(target) ? tempName(target) : undefined;
    if (old) await rename(target, old);
    await rename(temp, target);
    if (old) await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Appends lines to a file; each call is one write, so an interrupted run keeps whole lines. */
export async function appendLines(target: string, lines: string[]): Promise<void> {
  if (lines.length > 0) await appendFile(target, lines.map((l) => l + '\n').join(''));
}
