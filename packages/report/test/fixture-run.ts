import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HistoryRow, ReportInput, RunMetrics } from '../src/index.js';

/** The hand-made run folder: a 3-teacher ensemble, a distilled and a scratch student, 3 seeds, an α search. */
export const FIXTURE_DIR = fileURLToPath(new URL('./fixtures/run/', import.meta.url));

/** A fresh copy of the fixture run's outputs (tests may change it). */
export function fixtureRun(): ReportInput {
  const metrics = JSON.parse(readFileSync(`${FIXTURE_DIR}metrics.json`, 'utf8')) as RunMetrics;
  const history = readFileSync(`${FIXTURE_DIR}history.jsonl`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as HistoryRow);
  return { metrics, history };
}

/** Names and strings that would break out of markup or a script element if not escaped. */
export const HOSTILE = {
  teacher: '</script><img src=x onerror="window.__kdInjected = 1">',
  file: '<b>bold</b> & "quoted" \u2028 .csv',
  command: "kd distill --data '<!-- x -->'",
};

/** The fixture run with hostile strings in names and settings, no α search, no gap, quantization, in-fold soft targets that are nearly the labels, and unlabelled rows instead of a transfer set. */
export function hostileRun(): ReportInput {
  const run = fixtureRun();
  const m = run.metrics;
  const renamed = m.models[0]!.name;
  m.models[0]!.name = HOSTILE.teacher;
  m.curves.roc.find((c) => c.name === renamed)!.name = HOSTILE.teacher;
  m.data.file = HOSTILE.file;
  m.kd.command = HOSTILE.command;
  m.search = null;
  m.settings.alphaSource = 'given';
  m.gapClosed = { accuracy: null, logLoss: null };
  m.quantization = { dtype: 'uint8', bytesBefore: 324, bytesAfter: 96, accuracyChange: -0.0012, aucChange: -0.0004 };
  m.settings.teacherTargets = 'in-fold';
  m.settings.transfer = null;
  m.settings.unlabeled = { file: HOSTILE.file, rows: 500 };
  m.settings.outOfFold = null;
  m.diagnostics.softTargets = {
    ...m.diagnostics.softTargets,
    meanAbsGap: 0.0071,
    nearlyLabels: true,
    targets: 'in-fold',
  };
  return run;
}
