import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { KdRuntime } from '../runtime/types.js';
import { precomputedTeacher } from '../teachers/precomputed-teacher.js';
import { teacher as asTeacher, type Teacher, type TeacherSource } from '../teachers/teacher.js';
import { computeTeacherOutputs } from '../teachers/teacher-outputs.js';
import { checkTransferTeachers, checkUnlabeledOptions } from '../trainer/check-unlabeled.js';
import { buildExtraRows } from '../trainer/extra-rows.js';
import type { DistillOptions, LabeledData, TrainingData, TransferOptions, UnlabeledData } from '../trainer/types.js';
import { requireWholeNumber } from '../values/index.js';

/** The options of a search that concern rows without labels. */
export interface SearchTransferOptions {
  runtime: KdRuntime;
  teacher: TeacherSource | Teacher;
  data: LabeledData;
  unlabeled?: UnlabeledData;
  transfer?: TransferOptions;
  transferTeacher?: TeacherSource | Teacher;
  transferMultiples?: number[];
}

/** One value of the transfer axis: the extra rows every run at it trains on, already labelled. */
export interface TransferSet {
  /** The transfer multiple (absent without `transfer`). */
  multiple?: number;
  /** What the runs at this multiple pass to distill: the rows and a teacher answering for them by position. */
  runOptions: { unlabeled?: UnlabeledData; transferTeacher?: Teacher };
}

/**
 * The search's rows without labels, labelled once for the whole search. The generator runs once,
 * for the largest multiple; multiple m takes the first m × N generated rows (the generators make
 * their rows pass by pass, so those are the rows `transfer: { multiple: m }` makes) after the
 * unlabelled ones. The teacher (`transferTeacher`, or `teacher`) labels all of them once; every
 * run gets its share as `unlabeled` with a precomputed `transferTeacher`. Multiple 0 takes no
 * generated rows (the unlabelled ones only, if any). Without `unlabeled` and `transfer`, one set
 * with nothing in it. Everything returned is owned by `scope`.
 */
export async function searchTransferSets(
  options: SearchTransferOptions,
  teacher: Teacher,
  teacherBatchSize: number,
  scope: tf.Tensor[],
): Promise<TransferSet[]> {
  const { unlabeled, transfer } = options;
  const multiples = transferMultiplesOf(options);
  if (!unlabeled && !transfer) return [{ runOptions: {} }];
  const most = Math.max(0, ...multiples);
  // The checks distill would make, once here (and before anything is computed). A grid replaces
  // transfer.multiple; one of multiples 0 only still gets its transfer options checked, at 1.
  const checked = options.transferMultiples ? Math.max(1, most) : transfer?.multiple;
  const asRun = {
    ...options,
    ...(transfer ? { transfer: { ...transfer, multiple: checked } } : {}),
  } as unknown as DistillOptions<TrainingData>;
  checkUnlabeledOptions(asRun, true);
  const transferTeacher = options.transferTeacher === undefined ? undefined : asTeacher(options.transferTeacher);
  checkTransferTeachers(asRun, teacher, transferTeacher);
  // Multiple 0 is a run without generated rows: the baseline the other multiples are measured against.
  const largest = transfer && most > 0 ? { ...transfer, multiple: most } : undefined;
  if (!unlabeled && !largest) return multiples.map((multiple) => ({ multiple, runOptions: {} }));

  const extra = await buildExtraRows({
    ...(unlabeled ? { unlabeled } : {}),
    ...(largest ? { transfer: largest } : {}),
    trainX: options.data.x,
  });
  scope.push(...extra!.owned);
  const outputs = await computeTeacherOutputs(options.runtime, transferTeacher ?? teacher, extra!.x, {
    batchSize: teacherBatchSize,
    dataKey: extra!.dataKey,
  });
  scope.push(outputs.values);
  const values = (await outputs.values.data()) as Float32Array;
  const units = outputs.values.shape[1];
  const rows = options.data.x.shape[0]!;
  return (transfer ? multiples : [undefined]).map((multiple) => {
    const count = extra!.unlabeledRows + (multiple ?? 0) * rows;
    if (count === 0) return { ...(multiple !== undefined ? { multiple } : {}), runOptions: {} };
    const x = count === extra!.rows ? extra!.x : tf.slice(extra!.x, 0, count);
    if (x !== extra!.x) scope.push(x);
    return {
      ...(multiple !== undefined ? { multiple } : {}),
      runOptions: {
        unlabeled: { x },
        transferTeacher: precomputedTeacher(values.subarray(0, count * units), {
          output: outputs.kind,
          shape: [count, units],
          name: 'search-transfer-teacher',
        }),
      },
    };
  });
}

/** `transferMultiples`, or `[transfer.multiple]`; checked. */
function transferMultiplesOf(options: SearchTransferOptions): number[] {
  const given = options.transferMultiples;
  if (given === undefined) return options.transfer ? [options.transfer.multiple] : [];
  if (!options.transfer)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      "transferMultiples is a grid over transfer.multiple, so it needs transfer (e.g. transfer: { method: 'mixup', multiple: 1 }).",
      { argument: 'transferMultiples' },
    );
  if (!Array.isArray(given) || given.length === 0)
    throw new KdError('KD_INVALID_ARGUMENT', 'transferMultiples must list at least one multiple, e.g. [1, 2, 4].', {
      argument: 'transferMultiples',
    });
  for (const m of given)
    requireWholeNumber('transferMultiples', m, {
      min: 0,
      where: 'searchAlpha',
      hint: 'Each multiple m trains on m × N generated rows, N the training rows (0: none).',
    });
  if (new Set(given).size !== given.length)
    throw new KdError('KD_INVALID_ARGUMENT', `transferMultiples lists a multiple twice: ${JSON.stringify(given)}.`, {
      argument: 'transferMultiples',
    });
  return [...given];
}
