import * as tf from '@tensorflow/tfjs-core';
import { KdError, ensemble, teacher, type EnsembleCombine, type OutputKind, type Teacher } from '@kd/core';
import type { Preprocessing } from '../data/preprocessing.js';
import { loadModel, modelLocations, type LoadedModel } from '../models/load-model.js';

/** Every teacher model the `--teacher` arguments name, loaded. */
export async function loadTeachers(
  args: string[],
  options: { graphOutput?: OutputKind; onNote?: (message: string) => void },
): Promise<LoadedModel[]> {
  const locations = args.flatMap((a) => modelLocations(a));
  const loaded: LoadedModel[] = [];
  for (const location of locations) loaded.push(await loadModel(location, options));
  return loaded;
}

/**
 * A kd {@link Teacher} for a loaded model that takes the student's inputs. A teacher trained by
 * `kd train-teacher` carries its own preprocessing; when it differs from the student's (other
 * means/stds), the student's inputs are mapped back to reader values and through the teacher's
 * standardisation, so each model sees the features it was trained on.
 */
export async function asTeacher(loaded: LoadedModel, student: Preprocessing, index: number): Promise<Teacher> {
  const name = `teacher ${index + 1}`;
  const base = plainTeacher(loaded, name);
  const own = loaded.preprocessing;
  if (!own) return base;
  if (own.features && student.features && own.features.join('\u0000') !== student.features.join('\u0000'))
    throw new KdError(
      'KD_TEACHER_INVALID',
      `${loaded.source} was trained on the features [${own.features.join(', ')}] but the data has [${student.features.join(', ')}]. Pass --features ${own.features.join(',')}.`,
      { teacher: loaded.source },
    );
  const affine = teacherInputMap(own, student);
  if (!affine) return base;
  const id = `${await base.cacheKey()}|${affine.scale.join(',')}|${affine.shift.join(',')}`;
  const width = affine.scale.length;
  return teacher(
    (x) =>
      tf.tidy(() => {
        const flat = tf.reshape(x, [-1, width]);
        // Made per batch inside tidy, so the teacher holds no tensors of its own to free.
        const mapped = tf.reshape(tf.add(tf.mul(flat, tf.tensor1d(affine.scale)), tf.tensor1d(affine.shift)), x.shape);
        const y = loaded.model.predict(mapped) as tf.Tensor | tf.Tensor[];
        return Array.isArray(y) ? y[0]! : y;
      }),
    { output: base.output, name, id },
  );
}

/** A loaded model as a kd teacher on its own inputs (layers models say their output kind). */
export function plainTeacher(loaded: LoadedModel, name: string): Teacher {
  return loaded.kind === 'layers'
    ? teacher(loaded.model, { name })
    : teacher(loaded.model, { name, output: loaded.output });
}

/**
 * Per-feature `scale`, `shift` taking student inputs to teacher inputs, or null when both see
 * the same values. Student input s = (v − m_s) / σ_s of reader value v; teacher input
 * t = (v − m_t) / σ_t, so t = s · σ_s/σ_t + (m_s − m_t)/σ_t.
 */
export function teacherInputMap(
  own: Preprocessing,
  student: Preprocessing,
): { scale: number[]; shift: number[] } | null {
  const a = student.standardize;
  const b = own.standardize;
  if (!a && !b) return null;
  const width = (a ?? b)!.mean.length;
  const ms = a?.mean ?? new Array<number>(width).fill(0);
  const ss = a?.std ?? new Array<number>(width).fill(1);
  const mt = b?.mean ?? new Array<number>(width).fill(0);
  const st = b?.std ?? new Array<number>(width).fill(1);
  const scale = ss.map((s, i) => s / st[i]!);
  const shift = ms.map((m, i) => (m - mt[i]!) / st[i]!);
  if (scale.every((v) => v === 1) && shift.every((v) => v === 0)) return null;
  return { scale, shift };
}

/** One teacher, or the ensemble of several. */
export function combineTeachers(teachers: Teacher[], combine: EnsembleCombine, weights?: number[]): Teacher {
  if (teachers.length === 1) return teachers[0]!;
  return ensemble(teachers, {
    combine,
    ...(weights ? { weights } : {}),
    name: ensembleName(teachers.length, combine),
  });
}

export function ensembleName(n: number, combine: string): string {
  return `ensemble of ${n} (${combine})`;
}
