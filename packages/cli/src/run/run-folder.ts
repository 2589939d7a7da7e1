import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { appendFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
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

/** The weights file of a kd model folder, as `tf.loadLayersModel` and the docs expect it. */
export const WEIGHTS_FILE = 'weights.bin';
const MODEL_JSON = 'model.json';
/** Weights staged under a fresh name while a model folder is being replaced. */
const STAGED_WEIGHTS = /^weights\.[0-9a-f]{12}\.bin$/;
/** Temporary names of writeFileAtomic and of folders being built: `.NAME.tmp-PID-HEX`. */
const TEMP_NAME = /^\..+\.tmp-(\d+)-[0-9a-f]{12}$/;

/** What {@link writeModelFolder} writes: a tfjs layers model with one weights file, and the files beside it. */
export interface ModelFolderFiles {
  /** The model.json text, for weights stored in the file named (relative to the folder). */
  modelJson(weightsFile: string): string;
  weights: Uint8Array;
  /** The other files of the folder (preprocessing.json, a run marker, ...), by name. */
  files?: Record<string, string | Uint8Array>;
  /** Files an earlier model in the folder had and this one has not: removed once it is in place. */
  drop?: string[];
}

/**
 * Writes a model folder (`model.json`, `weights.bin` and the files beside them) so that at every
 * instant, even if the process is killed, the folder holds the old complete model or the new one:
 *
 * - a new folder is built under a temporary sibling name and renamed into place in one step;
 * - an existing one is replaced in place, with `model.json` as the one switch: the new weights go
 *   to a fresh file `weights.<hex>.bin`, a new `model.json` naming it is renamed over the old one
 *   (now the folder holds the new model), then `weights.bin` is replaced (no model.json names it
 *   at that moment), `model.json` is switched back to it, and the staged file is removed.
 *
 * Every file is written with `writeFileAtomic` (temporary file, fsync, rename), and the model and
 * its weights never disagree. The files beside the model are each replaced just before the switch:
 * when one of them changes (a folder reused for a run on other data), a kill between its rename
 * and the switch leaves it new beside the old model. What an interrupted earlier write left
 * (staged weights, temporary files and folders) is cleaned up.
 */
export async function writeModelFolder(target: string, folder: ModelFolderFiles): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  await removeDeadTemps(dirname(target), `.${basename(target)}.`);
  const extra = Object.entries(folder.files ?? {});
  if (!existsSync(target)) {
    // Nothing to replace: the whole folder appears at once.
    const temp = siblingTempPath(target);
    await mkdir(temp);
    try {
      await writeFileAtomic(join(temp, WEIGHTS_FILE), folder.weights);
      for (const [name, data] of extra) await writeFileAtomic(join(temp, name), data);
      await writeFileAtomic(join(temp, MODEL_JSON), folder.modelJson(WEIGHTS_FILE));
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
    return;
  }
  if (!statSync(target).isDirectory())
    throw new KdError('KD_OUTPUT_NOT_EMPTY', `${target} is a file, not a model folder. Choose another folder.`, {
      dir: target,
    });
  await removeDeadTemps(target, '.');
  // Staged weights a killed write left, unless model.json names them (it was killed after its switch).
  const named = new Set(await weightFilesOf(target));
  for (const name of readdirSync(target))
    if (STAGED_WEIGHTS.test(name) && !named.has(name)) await rm(join(target, name), { force: true });

  for (const [name, data] of extra) await writeFileAtomic(join(target, name), data);
  const staged = `weights.${randomBytes(6).toString('hex')}.bin`;
  await writeFileAtomic(join(target, staged), folder.weights);
  // The switch: from here on the folder holds the new model.
  await writeFileAtomic(join(target, MODEL_JSON), folder.modelJson(staged));
  await writeFileAtomic(join(target, WEIGHTS_FILE), folder.weights);
  await writeFileAtomic(join(target, MODEL_JSON), folder.modelJson(WEIGHTS_FILE));
  for (const name of readdirSync(target))
    if (STAGED_WEIGHTS.test(name) || (folder.drop ?? []).includes(name)) await rm(join(target, name), { force: true });
}

/** The weights files a folder's model.json names, or none when it has no readable model.json. */
async function weightFilesOf(dir: string): Promise<string[]> {
  try {
    const json = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8')) as {
      weightsManifest?: Array<{ paths?: unknown }>;
    };
    return (json.weightsManifest ?? []).flatMap((g) => (Array.isArray(g.paths) ? g.paths.map(String) : []));
  } catch {
    return [];
  }
}

/** Removes the temporary files and folders starting with `prefix` in `dir` whose writing process is gone. */
async function removeDeadTemps(dir: string, prefix: string): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m || !name.startsWith(prefix)) continue;
    const pid = Number(m[1]);
    if (isAlive(pid)) continue; // this process or another live one: maybe still writing
    await rm(join(dir, name), { recursive: true, force: true });
  }
}

function siblingTempPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Appends lines to a file; each call is one write, so an interrupted run keeps whole lines. */
export async function appendLines(target: string, lines: string[]): Promise<void> {
  if (lines.length > 0) await appendFile(target, lines.map((l) => l + '\n').join(''));
}
