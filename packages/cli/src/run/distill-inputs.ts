import { dirname } from 'node:path';
import {
  KdError,
  precomputedTeacher,
  type EnsembleCombine,
  type KdRuntime,
  type OutputKind,
  type Teacher,
} from '@kd/core';
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
}

/** Checks the cheap things first (files, specs), then starts the runtime, reads the data and loads the teachers. */
export async function loadDistillInputs(options: TeacherStudentOptions): Promise<DistillInputs> {
  dataFormat(options.data);
  if (!options.teacher || options.teacher.length === 0)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'Give at least one --teacher (a model.json, its folder, or a folder of model folders).',
    );
  options.teacher.forEach((t) => modelLocations(t));
  await checkModelSpec(options.student);
  const runtime = await startRuntime(options.runtime ?? 'wasm');
  const data = await prepareData(options);
  await checkModelSpec(options.student, data.preprocessing.inputShape.length);
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
  };
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
