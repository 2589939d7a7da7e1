// Continuing an interrupted `kd distill`: what the run folder records so `--resume DIR` can
// repeat the run's options, and how its history is kept whole across the restart.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KdError } from '@kd/core';
import type { HistoryRow } from '@kd/report';
import { dataOptionsOf } from '../data/prepare-data.js';
import type { DistillRunOptions } from './distill-run.js';
import { writeFileAtomic } from '@kd/node';
import { RUN_MARKER, type RunMarker } from './run-folder.js';
import { historyKey } from './train-model.js';

/** The folder of a run (under `--out`) that holds one checkpoint folder per training. */
export const CHECKPOINTS_FOLDER = 'checkpoints';
/** The report of a run. */
export const REPORT_FILE = 'report.html';

// The command line is kept: a resumed run's metrics.json names the command that started it.
const NOT_RECORDED = new Set(['out', 'signal', 'onEvent', 'resume', 'json']);

/**
 * What the run folder's marker records to resume the run: its options as given (plain values
 * only), the folder they were given in, and every path among them made absolute, used when the
 * resume starts from another folder.
 */
export function resumableOptions(options: DistillRunOptions): Required<Pick<RunMarker, 'options' | 'paths' | 'cwd'>> {
  const recorded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options))
    if (!NOT_RECORDED.has(key) && value !== undefined) recorded[key] = value;
  const isUrl = (p: string) => /^https?:\/\//.test(p);
  // Same rule as the student spec parser: a module path has a slash or a script extension.
  const isModule = /[/\\]|\.(m?js|cjs)$/.test(options.student);
  const data = dataOptionsOf(options);
  const pathKeys = ['data', 'label', 'validationData', 'validationLabel', 'testData', 'testLabel'] as const;
  return {
    options: recorded,
    cwd: process.cwd(),
    paths: {
      ...Object.fromEntries(pathKeys.filter((k) => data[k] !== undefined).map((k) => [k, data[k]])),
      ...(options.unlabeled !== undefined ? { unlabeled: resolve(options.unlabeled) } : {}),
      teacher: options.teacher.map((t) => (isUrl(t) ? t : resolve(t.replace(/^file:\/\//, '')))),
      student: isModule ? resolve(options.student) : options.student,
    },
  };
}

/**
 * The options `kd distill --resume DIR` runs with: those DIR/kd-run.json recorded when the run
 * started. Refuses a folder that is not an unfinished `kd distill` run with checkpoints.
 */
export function resumedOptions(dir: string, cwd: string): DistillRunOptions & { out: string; resume: true } {
  const marker = join(dir, RUN_MARKER);
  let recorded: RunMarker | undefined;
  try {
    recorded = JSON.parse(readFileSync(marker, 'utf8')) as RunMarker;
  } catch {
    recorded = undefined;
  }
  const refuse = (why: string): never => {
    throw new KdError('KD_INVALID_ARGUMENT', `--resume ${dir}: ${why}`, { dir });
  };
  if (recorded?.format !== 'kd-run' || recorded.command !== 'distill')
    refuse(
      `not a kd distill run folder (no ${RUN_MARKER} of kd distill in it). Give the --out folder of the run to continue.`,
    );
  const options = recorded!.options;
  if (!options || typeof options !== 'object')
    return refuse(
      `${RUN_MARKER} does not record the run's options (it was written by an older kd). Run kd distill again.`,
    );
  if (existsSync(join(dir, 'metrics.json')))
    refuse('the run finished (metrics.json is written), so there is nothing to continue.');
  if (!options.checkpointEvery)
    refuse(
      'the run was started without --checkpoint-every, so it saved no checkpoints to continue from. Run it again with --checkpoint-every N.',
    );
  // From the folder the run started in, the options exactly as given (the same metrics.json);
  // from elsewhere, with the paths that lead to the same files.
  const paths = recorded!.cwd === cwd ? {} : (recorded!.paths ?? {});
  return { ...(options as unknown as DistillRunOptions), ...paths, out: dir, resume: true };
}

/**
 * Makes a resumed run's history.jsonl hold whole, distinct lines only (a kill can cut the last
 * line, and epochs after the last checkpoint are trained, and logged, again) and returns the keys
 * of the epochs it holds, which the resumed run does not append again.
 */
export async function keepWholeHistory(file: string): Promise<Set<string>> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    let row: HistoryRow;
    try {
      row = JSON.parse(line) as HistoryRow;
    } catch {
      continue;
    }
    if (typeof row?.model !== 'string' || typeof row.epoch !== 'number') continue;
    const key = historyKey(row);
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(line);
  }
  if (text !== '') await writeFileAtomic(file, kept.map((l) => l + '\n').join(''));
  return seen;
}
