import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  KdError,
  precomputedTeacher,
  type EnsembleCombine,
  type KdRuntime,
  type OutputKind,
  type Teacher,
  type TransferOptions,
} from '@kd/core';
import type { TransferFlag } from '../commands/option-types.js';
import { readUnlabeled, unlabeledFormat, type UnlabeledRows } from '../data/unlabeled.js';
import { readOofOutputs, weightsSha256 } from './out-of-fold.js';
import { dataFormat } from '../data/dataset.js';
import { prepareData, type DataOptions, type PreparedData } from '../data/prepare-data.js';
import type { LoadedModel } from '../models/load-model.js';
import { checkModelSpec, modelFactory, type ModelFactory } from '../models/model-spec.js';
import type { OnEvent } from '../output/events.js';
import { startRuntime, type RuntimeName } from './runtimes.js';
import { asTeacher, combineTeachers, loadTeachers } from './teachers.js';
import { modelLocations } from '../models/load-model.js';

/** Options shared by `kd distill` and `kd search-alpha`: data, teachers, student, runtime. */
export interface TeacherStudentOptions extends DataOptions {
  /** Teacher model paths or URLs; a folder of model folders counts as each. */
  teacher: string[];
  teacherOutput?: OutputKind;
  combine?: EnsembleCombine;
  weights?: number[];
  /** Student spec: logistic, mlp:UNITS[,UNITS...], cnn-tiny or a module path. */
  student: string;
  /**
   * Use the teachers' out-of-fold outputs (from `kd train-teacher --folds`) as the soft targets of
   * the training rows when they were made for exactly these rows (default true).
   */
  oof?: boolean;
  /** Rows without labels, in the format of `data` (`--unlabeled FILE`). */
  unlabeled?: string;
  /** Rows generated from the training rows before training (`--transfer METHOD:MULTIPLE`). */
  transfer?: TransferFlag;
  /** Seeds the generator of `transfer` (default 0). */
  transferSeed?: number;
  runtime?: RuntimeName;
  onEvent?: OnEvent;
}

/** Everything a distillation needs, loaded and checked before any training. */
export interface DistillInputs {
  runtime: KdRuntime;
  data: PreparedData;
  loaded: LoadedModel[];
  teachers: Teacher[];
  /** The teachers (their ensemble), as deployed: what is measured on the test split. */
  combined: Teacher;
  /** What the student trains against on the training rows: out-of-fold outputs, or `combined` itself. */
  trainingTeacher: Teacher;
  teacherTargets: TeacherTargets;
  /** With out-of-fold targets: the folds of the teachers' fold models. */
  outOfFold: { folds: number } | null;
  factory: ModelFactory;
  units: number;
  /** The rows without labels the student trains on besides the labelled ones (null without any). */
  extra: ExtraRows | null;
}

/** `--unlabeled` and `--transfer`, read and checked; the teachers label these rows. */
export interface ExtraRows {
  unlabeled: UnlabeledRows | null;
  /** What `distill` generates from the training rows (with its seed), or null. */
  transfer: TransferOptions | null;
  /**
   * The teacher that labels these rows: the teachers themselves (their ensemble), given when the
   * training rows' targets are out-of-fold outputs, which have no rows but the training rows.
   */
  transferTeacher: Teacher | null;
}

/** What `distill` and the searches take for {@link ExtraRows}, with the unlabelled rows as a tensor the caller disposes. */
export function extraRowOptions(extra: ExtraRows | null): {
  options: { unlabeled?: { x: tf.Tensor }; transfer?: TransferOptions; transferTeacher?: Teacher };
  dispose: () => void;
} {
  if (!extra) return { options: {}, dispose: () => {} };
  const u = extra.unlabeled;
  const x = u ? tf.tensor(u.x, [u.rows, ...u.featureShape], 'float32') : null;
  return {
    options: {
      ...(x ? { unlabeled: { x } } : {}),
      ...(extra.transfer ? { transfer: extra.transfer } : {}),
      ...(extra.transferTeacher ? { transferTeacher: extra.transferTeacher } : {}),
    },
    dispose: () => x?.dispose(),
  };
}

/** Checks the --transfer flags that need no data: --transfer-seed needs --transfer. */
export function checkTransferFlags(options: TeacherStudentOptions): void {
  if (options.transferSeed !== undefined && !options.transfer)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      '--transfer-seed seeds the rows --transfer generates: give --transfer METHOD:MULTIPLE as well (e.g. munge:10), or leave --transfer-seed out.',
      { option: 'transferSeed' },
    );
}

/** Checks the cheap things first (files, specs), then starts the runtime, reads the data and loads the teachers. */
export async function loadDistillInputs(
  options: TeacherStudentOptions,
  search: { transferMultiples?: number[] } = {},
): Promise<DistillInputs> {
  dataFormat(options.data);
  if (!options.teacher || options.teacher.length === 0)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'Give at least one --teacher (a model.json, its folder, or a folder of model folders).',
    );
  options.teacher.forEach((t) => modelLocations(t));
  checkTransferFlags(options);
  if (options.unlabeled !== undefined) unlabeledFormat(options.unlabeled);
  await checkModelSpec(options.student);
  const runtime = await startRuntime(options.runtime ?? 'wasm');
  const data = await prepareData(options);
  await checkModelSpec(options.student, data.preprocessing.inputShape.length);
  // Before the teachers load: a wrong file or flag fails fast, with nothing else printed first.
  const checked = await checkedExtraRows(options, data);
  const loaded = await loadTeachers(options.teacher, {
    ...(options.teacherOutput ? { graphOutput: options.teacherOutput } : {}),
    onNote: (message) => options.onEvent?.({ type: 'note', message }),
  });
  if (options.weights && options.weights.length !== loaded.length)
    throw new KdError(
      'KD_ENSEMBLE_INVALID',
      `--weights gives ${options.weights.length} weights for ${loaded.length} teachers; give one per teacher, in order.`,
    );
  const teachers: Teacher[] = [];
  for (let i = 0; i < loaded.length; i++) teachers.push(await asTeacher(loaded[i]!, data.preprocessing, i));
  const combined = combineTeachers(teachers, options.combine ?? 'mean-probability', options.weights);
  const targets = await outOfFoldTargets(loaded, data, options);
  const extra = checked
    ? extraRows(options, data, checked.rows, targets ? combined : null, search.transferMultiples)
    : null;
  return {
    runtime,
    data,
    loaded,
    teachers,
    combined,
    trainingTeacher: targets?.teacher ?? combined,
    teacherTargets: targets ? 'out-of-fold' : 'in-fold',
    outOfFold: targets ? { folds: targets.folds } : null,
    factory: await modelFactory(options.student),
    units: data.numClasses === 2 ? 1 : data.numClasses,
    extra,
  };
}

/** Reads `--unlabeled` and checks `--transfer` against the data, before any training; null without either. */
async function checkedExtraRows(
  options: TeacherStudentOptions,
  data: PreparedData,
): Promise<{ rows: UnlabeledRows | null } | null> {
  if (options.unlabeled === undefined && !options.transfer) return null;
  const t = options.transfer;
  if (t?.method === 'munge' && data.preprocessing.inputShape.length !== 1)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `--transfer munge:${t.multiple} generates table rows (each feature from a row's nearest neighbour), but --data ${options.data} holds images [${data.preprocessing.inputShape.join(', ')}]. Use mixup or noise for images, e.g. --transfer mixup:${t.multiple}.`,
      { option: 'transfer' },
    );
  const note = (message: string) => options.onEvent?.({ type: 'note', message });
  return { rows: options.unlabeled === undefined ? null : await readUnlabeled(options.unlabeled, data, options, note) };
}

/** The rows without labels, with the teacher that labels them, and a note saying what they are. */
function extraRows(
  options: TeacherStudentOptions,
  data: PreparedData,
  unlabeled: UnlabeledRows | null,
  transferTeacher: Teacher | null,
  multiples: number[] | undefined,
): ExtraRows {
  const note = (message: string) => options.onEvent?.({ type: 'note', message });
  const t = options.transfer;
  const transfer: TransferOptions | null = t
    ? { method: t.method, multiple: t.multiple, seed: options.transferSeed ?? 0 }
    : null;
  const parts = [
    unlabeled ? `${unlabeled.rows} rows of ${unlabeled.file}` : '',
    !transfer
      ? ''
      : multiples
        ? `rows generated by ${transfer.method} (${multiples.join(', ')} × the ${data.train.rows} training rows, one multiple per setting, seed ${transfer.seed})`
        : `${transfer.multiple * data.train.rows} rows generated by ${transfer.method} (${transfer.multiple} × the ${data.train.rows} training rows, seed ${transfer.seed})`,
  ].filter(Boolean);
  note(
    `rows without labels: ${parts.join(' and ')}, labelled by the teachers${transferTeacher ? ' themselves (their out-of-fold outputs cover the training rows only)' : ''}`,
  );
  return { unlabeled, transfer, transferTeacher };
}

/** Where the soft targets of the training rows come from. */
export type TeacherTargets = 'out-of-fold' | 'in-fold';

/**
 * The teachers' out-of-fold outputs for the training rows, combined as the teachers are, when every
 * teacher has them and they belong to these rows and to this teacher; else null, with a note saying
 * why (never a silent switch to outputs made for other rows).
 */
async function outOfFoldTargets(
  loaded: LoadedModel[],
  data: PreparedData,
  options: TeacherStudentOptions,
): Promise<{ teacher: Teacher; folds: number } | null> {
  const note = (message: string) => options.onEvent?.({ type: 'note', message });
  const found: Array<{ name: string; oof: Awaited<ReturnType<typeof readOofOutputs>> }> = [];
  for (const m of loaded) {
    const local = !/^https?:\/\//.test(m.source);
    found.push({ name: m.source, oof: local ? await readOofOutputs(dirname(m.source)) : null });
  }
  if (found.every((f) => f.oof === null)) return null;
  const fallback = "training on the teachers' own (in-fold) outputs instead";
  if (options.oof === false) {
    note(`--no-oof: the teachers' out-of-fold outputs are not used; training on their own (in-fold) outputs`);
    return null;
  }
  const members: Teacher[] = [];
  let folds = 0;
  for (let i = 0; i < found.length; i++) {
    const { name, oof } = found[i]!;
    const where = dirname(name);
    if (oof === null) {
      note(`${where} has no out-of-fold outputs (other teachers do): ${fallback} for every teacher`);
      return null;
    }
    if ('problem' in oof) {
      note(`the out-of-fold outputs in ${where} cannot be used (${oof.problem}): ${fallback}`);
      return null;
    }
    const r = oof.record;
    if (r.trainRowsSha256 !== data.trainRowsSha256 || r.rows !== data.train.rows) {
      note(
        `the out-of-fold outputs in ${where} were made for other training rows (other data, split or --seed): ${fallback}. Run kd train-teacher --folds again with this run's data options to use them.`,
      );
      return null;
    }
    if (r.teacherWeightsSha256 !== (await weightsSha256(where).catch(() => ''))) {
      note(`the out-of-fold outputs in ${where} belong to an earlier teacher in that folder: ${fallback}`);
      return null;
    }
    const units = outputUnits(loaded[i]!);
    if (units !== undefined && units !== r.units) {
      note(`the out-of-fold outputs in ${where} have ${r.units} units but the teacher outputs ${units}: ${fallback}`);
      return null;
    }
    members.push(
      precomputedTeacher(oof.values, {
        output: r.kind,
        shape: [r.rows, r.units],
        name: `teacher ${i + 1} (out-of-fold)`,
      }),
    );
    folds = r.folds;
  }
  const teacher = combineTeachers(members, options.combine ?? 'mean-probability', options.weights);
  note(
    `soft targets of the ${data.train.rows} training rows: the teachers' out-of-fold outputs (${folds} folds; each row scored by a fold model that did not train on it)`,
  );
  return { teacher, folds };
}

/** Output units of a loaded model, when its output shape says. */
function outputUnits(m: LoadedModel): number | undefined {
  if (m.kind !== 'layers') return undefined;
  const shape = m.model.outputs[0]?.shape;
  const last = shape?.[shape.length - 1];
  return typeof last === 'number' ? last : undefined;
}
