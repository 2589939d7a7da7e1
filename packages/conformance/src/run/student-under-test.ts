import * as tf from '@tensorflow/tfjs-core';
import { KdError, type Student, type TrainableLayersModel } from '@kd/core';
import { isStudent } from '@kd/core/internal';
import type { StudentModule } from './types.js';

/** A student module checked for what the parity run needs. */
export interface StudentUnderTest {
  module: StudentModule;
  inputShape: number[];
  /** Output units (1 for binary). */
  units: number;
}

type Built = Student | TrainableLayersModel;

function layersInputShape(model: Built): number[] | undefined {
  const inputs = (model as { inputs?: Array<{ shape: Array<number | null> }> }).inputs;
  const shape = inputs?.[0]?.shape;
  if (!shape || shape.slice(1).some((d) => typeof d !== 'number')) return undefined;
  return shape.slice(1) as number[];
}

/** Runs a module's `createStudent`, rejecting anything that is neither a layers model nor a Student. */
export async function buildStudent(module: StudentModule, seed: number): Promise<Built> {
  if (typeof module?.createStudent !== 'function') {
    throw new KdError(
      'KD_STUDENT_INVALID',
      'The student module must export createStudent(seed), returning a tfjs-layers model or a kd Student.',
    );
  }
  const built = await module.createStudent(seed);
  const layersLike =
    built &&
    typeof (built as TrainableLayersModel).predict === 'function' &&
    Array.isArray((built as TrainableLayersModel).layers);
  if (!isStudent(built) && !layersLike) {
    throw new KdError(
      'KD_STUDENT_INVALID',
      `createStudent(${seed}) returned ${built === null ? 'null' : typeof built}; return a tfjs-layers model or a kd Student (customStudent, layersStudent).`,
    );
  }
  return built;
}

/**
 * Builds the student once on the active backend and works out its input shape and output
 * units; checks them against the module's `inputShape` and `classes` when given.
 */
export async function inspectStudent(module: StudentModule): Promise<StudentUnderTest> {
  const built = await buildStudent(module, 1);
  try {
    const inputShape = module.inputShape ?? layersInputShape(built);
    if (!inputShape || inputShape.length === 0 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new KdError(
        'KD_STUDENT_INVALID',
        `Cannot tell the student's input shape${inputShape ? ` (got [${inputShape.join(', ')}])` : ''}: ` +
          'export inputShape from the module, e.g. export const inputShape = [8, 8, 1];',
      );
    }
    const x = tf.zeros([2, ...inputShape]);
    let shape: number[];
    try {
      shape = tf.tidy(
        () => (isStudent(built) ? built.apply(x, { training: false }) : (built.predict(x) as tf.Tensor)).shape,
      );
    } catch (cause) {
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        `The student does not run on inputs shaped [batch, ${inputShape.join(', ')}]: ${(cause as Error).message}`,
        { inputShape },
        { cause },
      );
    } finally {
      x.dispose();
    }
    if (shape.length !== 2 || shape[0] !== 2) {
      throw new KdError(
        'KD_STUDENT_INVALID',
        `The student outputs shape [${shape.join(', ')}] for 2 rows; expected [2, units].`,
      );
    }
    const units = shape[1]!;
    const classes = units === 1 ? 2 : units;
    if (module.classes !== undefined && module.classes !== classes) {
      throw new KdError(
        'KD_STUDENT_INVALID',
        `The module says classes = ${module.classes} but the student has ${units} output unit${units === 1 ? ' (binary: 2 classes)' : `s (${units} classes)`}.`,
      );
    }
    return { module, inputShape: [...inputShape], units };
  } finally {
    built.dispose();
  }
}
