import * as tf from '@tensorflow/tfjs-core';
import { KdError, type KdRuntime, type RuntimeInfo } from '@kd/core';
import { exportAndReload } from '../checks/export-reload.js';
import { compareLossCase } from '../checks/loss-cases.js';
import { LOSS_FIXTURES, TRAJECTORY_FIXTURES } from '../fixtures/index.js';
import { compareValues, worstOf, type Difference } from '../reference/compare.js';
import { syntheticData } from '../reference/synthetic-data.js';
import { tolerancesFor, type Tolerance, type ToleranceSet } from '../reference/tolerance.js';
import { perStepLosses } from '../reference/training-run.js';
import { recordTrajectory, TRAJECTORY_SPECS } from '../reference/trajectory-specs.js';
import { discoverRuntimes, KNOWN_RUNTIMES, knownCandidate, type KnownRuntime } from './runtime-candidates.js';
import { buildStudent, inspectStudent, type StudentUnderTest } from './student-under-test.js';
import type { ConformanceOptions, ConformanceRow, RuntimeCandidate } from './types.js';

/** Reference runs the CLI repeats on every runtime: a dense and a convolutional student. */
const CLI_TRAJECTORIES = ['mlp, binary, adam, T 2', 'conv, 3 classes, adam, T 2'];
const STUDENT_DATA_SEED = 1234;

/** An error as one line of the table: its KdError code (when it has one) and its message. */
function message(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${e.message}` : e.message;
}

function measured(
  d: Difference,
  tolerance: Tolerance,
): Pick<ConformanceRow, 'maxAbsDiff' | 'maxRelDiff' | 'tolerance'> {
  return { maxAbsDiff: d.maxAbs, maxRelDiff: d.maxRel, tolerance };
}

function resolveCandidates(list: Array<string | RuntimeCandidate>): RuntimeCandidate[] {
  const out = list.map((entry) => {
    if (typeof entry !== 'string') return entry;
    if (!(KNOWN_RUNTIMES as readonly string[]).includes(entry)) {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `Unknown runtime "${entry}"; use ${KNOWN_RUNTIMES.join(', ')}, or pass { name, create } for your own.`,
        { runtime: entry },
      );
    }
    return knownCandidate(entry as KnownRuntime, true);
  });
  // cpu is the reference: always there, always first.
  const cpu = out.find((c) => c.name === 'cpu') ?? knownCandidate('cpu', true);
  return [cpu, ...out.filter((c) => c !== cpu)];
}

interface RuntimeRun {
  candidate: RuntimeCandidate;
  runtime: KdRuntime;
  info: RuntimeInfo;
  tolerances: ToleranceSet;
}

async function lossFixtureRow(run: RuntimeRun): Promise<ConformanceRow> {
  let worst: Difference | undefined;
  const failed: string[] = [];
  for (const c of LOSS_FIXTURES.cases) {
    const r = await compareLossCase(c, run.tolerances);
    worst = worstOf(worstOf(worst, r.parts), r.gradient);
    if (!r.parts.within || !r.gradient.within) failed.push(c.name);
  }
  const d = worst!;
  return {
    runtime: run.candidate.name,
    check: 'loss values and gradients',
    status: failed.length === 0 ? 'pass' : 'fail',
    ...measured(d, run.tolerances.loss),
    detail:
      failed.length === 0
        ? `${LOSS_FIXTURES.cases.length} cases vs float64 fixtures`
        : `outside tolerance: ${failed.join('; ')}`,
  };
}

async function referenceTrajectoryRow(run: RuntimeRun, name: string): Promise<ConformanceRow> {
  const spec = TRAJECTORY_SPECS.find((s) => s.name === name)!;
  const check = `reference training: ${spec.student} student`;
  const reference = TRAJECTORY_FIXTURES.trajectories[name];
  try {
    const losses = await recordTrajectory(run.runtime, spec);
    if (!reference)
      return { runtime: run.candidate.name, check, status: 'fail', detail: `no committed reference for "${name}"` };
    const d = compareValues(losses, reference.losses, run.tolerances.trajectory);
    return {
      runtime: run.candidate.name,
      check,
      status: d.within ? 'pass' : 'fail',
      ...measured(d, run.tolerances.trajectory),
      detail: `${spec.steps} steps (${name}) vs committed cpu losses`,
    };
  } catch (e) {
    return { runtime: run.candidate.name, check, status: 'fail', detail: message(e) };
  }
}

async function studentLosses(run: RuntimeRun, student: StudentUnderTest, steps: number): Promise<number[]> {
  const built = await buildStudent(student.module, 7);
  try {
    return await perStepLosses({
      runtime: run.runtime,
      student: built,
      data: syntheticData({ rows: 32, inputShape: student.inputShape, units: student.units, seed: STUDENT_DATA_SEED }),
      teacherKind: 'logits',
      alpha: 0.5,
      temperature: 2,
      optimizer: { kind: 'adam', learningRate: 1e-3 },
      steps,
    });
  } finally {
    built.dispose();
  }
}

/** The cpu run is checked against itself (determinism); every other runtime against the cpu losses. */
type StudentReference = { kind: 'self' } | { kind: 'cpu'; losses: number[] | undefined };

async function studentRows(
  run: RuntimeRun,
  module: NonNullable<ConformanceOptions['student']>,
  steps: number,
  reference: StudentReference,
): Promise<{ rows: ConformanceRow[]; losses?: number[] }> {
  const name = run.candidate.name;
  let student: StudentUnderTest;
  try {
    student = await inspectStudent(module);
  } catch (e) {
    return { rows: [{ runtime: name, check: 'student builds', status: 'fail', detail: message(e) }] };
  }
  const rows: ConformanceRow[] = [
    {
      runtime: name,
      check: 'student builds',
      status: 'pass',
      detail: `input [${student.inputShape.join(', ')}], ${student.units} output unit${student.units === 1 ? '' : 's'}`,
    },
  ];

  let losses: number[] | undefined;
  try {
    if (reference.kind === 'cpu' && reference.losses === undefined)
      throw new KdError(
        'KD_STUDENT_INVALID',
        'the student did not train on cpu, so there is nothing to compare with; fix the cpu failure above first',
      );
    losses = await studentLosses(run, student, steps);
    // On cpu the reference is a second cpu run: the same seed must give the same losses.
    const expected = reference.kind === 'cpu' ? reference.losses! : await studentLosses(run, student, steps);
    const tolerance = reference.kind === 'cpu' ? run.tolerances.trajectory : { rtol: 0, atol: 0 };
    const d = compareValues(losses, expected, tolerance);
    const finite = losses.every(Number.isFinite);
    rows.push({
      runtime: name,
      check: 'student trains like cpu',
      status: d.within && finite ? 'pass' : 'fail',
      ...measured(d, tolerance),
      detail: !finite
        ? `non-finite loss: ${losses.join(', ')}`
        : reference.kind === 'cpu'
          ? `${steps} per-step losses vs cpu`
          : `${steps} per-step losses, two runs identical`,
    });
  } catch (e) {
    rows.push({ runtime: name, check: 'student trains like cpu', status: 'fail', detail: message(e) });
  }

  const data = syntheticData({
    rows: 8,
    inputShape: student.inputShape,
    units: student.units,
    seed: STUDENT_DATA_SEED + 1,
  });
  const x = tf.tensor(data.x, [data.rows, ...data.inputShape]);
  let built: Awaited<ReturnType<typeof buildStudent>> | undefined;
  try {
    built = await buildStudent(module, 11);
    const r = await exportAndReload({ runtime: run.runtime, model: built, rebuild: () => buildStudent(module, 12), x });
    const d = compareValues(r.after, r.before, { rtol: 0, atol: 0 });
    rows.push({
      runtime: name,
      check: 'student export → reload',
      status: d.within ? 'pass' : 'fail',
      ...measured(d, { rtol: 0, atol: 0 }),
      detail: 'predictions after reload through runtime.models',
    });
  } catch (e) {
    rows.push({ runtime: name, check: 'student export → reload', status: 'fail', detail: message(e) });
  } finally {
    built?.dispose();
    x.dispose();
  }
  return { rows, ...(losses ? { losses } : {}) };
}

/**
 * Checks the kd runtimes available here, and optionally your own student, against kd's
 * references: loss values and gradients against float64 fixtures, reference training runs
 * against the committed cpu losses, and for a student: that it builds, trains with the same
 * per-step losses as on cpu, and predicts identically after export and reload. Runtimes that
 * are not installed (or cannot start, unless asked for by name) are reported as unavailable.
 *
 * @example
 * ```ts
 * import { runConformance } from '@kd/conformance';
 * import * as myStudent from './my-student.mjs';
 * const rows = await runConformance({ student: myStudent });
 * console.table(rows);
 * const ok = rows.every((r) => r.status !== 'fail');
 * ```
 */
export async function runConformance(options: ConformanceOptions = {}): Promise<ConformanceRow[]> {
  const candidates = options.runtimes ? resolveCandidates(options.runtimes) : await discoverRuntimes();
  const steps = options.steps ?? 20;
  if (!Number.isInteger(steps) || steps < 2)
    throw new KdError('KD_INVALID_ARGUMENT', `steps must be a whole number ≥ 2, got ${steps}.`, { steps });
  const rows: ConformanceRow[] = [];
  const emit = (row: ConformanceRow) => {
    rows.push(row);
    options.onRow?.(row);
  };
  let cpuStudentLosses: number[] | undefined;

  for (const candidate of candidates) {
    let run: RuntimeRun;
    try {
      const runtime = await candidate.create();
      const info = await runtime.init();
      run = { candidate, runtime, info, tolerances: tolerancesFor(info.floatPrecision) };
      const facts = [`backend ${info.backend}`, `float${info.floatPrecision}`, ...runtimeFacts(info)];
      emit({ runtime: candidate.name, check: 'starts', status: 'pass', detail: facts.join(', ') });
    } catch (e) {
      emit({
        runtime: candidate.name,
        check: 'starts',
        status: candidate.required ? 'fail' : 'unavailable',
        detail: message(e),
      });
      continue;
    }
    if (options.builtInChecks !== false) {
      emit(await lossFixtureRow(run));
      for (const name of CLI_TRAJECTORIES) emit(await referenceTrajectoryRow(run, name));
    }
    if (options.student) {
      const reference: StudentReference =
        candidate.name === 'cpu' ? { kind: 'self' } : { kind: 'cpu', losses: cpuStudentLosses };
      const r = await studentRows(run, options.student, steps, reference);
      r.rows.forEach(emit);
      if (candidate.name === 'cpu') cpuStudentLosses = r.losses;
    }
  }
  return rows;
}

/** SIMD and threads, for the runtimes whose info reports them (wasm, node). */
function runtimeFacts(info: RuntimeInfo): string[] {
  const { simd, threads } = info as RuntimeInfo & { simd?: unknown; threads?: unknown };
  return [
    ...(typeof simd === 'boolean' ? [`simd ${simd ? 'on' : 'off'}`] : []),
    ...(typeof threads === 'number' ? [`${threads} thread${threads === 1 ? '' : 's'}`] : []),
  ];
}
