import { KdError, type EnsembleCombine, type KdRuntime, type OutputKind, type Teacher } from '@kd/core';
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
  runtime?: RuntimeName;
  onEvent?: OnEvent;
}

/** Everything a distillation needs, loaded and checked before any training. */
export interface DistillInputs {
  runtime: KdRuntime;
  data: PreparedData;
  loaded: LoadedModel[];
  teachers: Teacher[];
  combined: Teacher;
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
  return {
    runtime,
    data,
    loaded,
    teachers,
    combined,
    factory: await modelFactory(options.student),
    units: data.numClasses === 2 ? 1 : data.numClasses,
  };
}
