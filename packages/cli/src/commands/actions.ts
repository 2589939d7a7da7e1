import { relative } from 'node:path';
import type { DeadSearchRun, ModelEntry, RunMetrics } from '@kd/report';
import { makeReporter } from '../output/reporters.js';
import { formatBytes, formatCount, formatMs, formatTable } from '../output/table.js';
import { runDistill, type DistillRunOptions } from '../run/distill-run.js';
import { runEvaluate, type EvaluateRunOptions } from '../run/evaluate-run.js';
import { runExport, type ExportRunOptions } from '../run/export-run.js';
import { runInspect, type InspectRunOptions } from '../run/inspect-run.js';
import { runSearchAlpha, type SearchAlphaRunOptions, type SearchRowEntry } from '../run/search-alpha-run.js';
import { runTrainTeacher, type TrainTeacherRunOptions } from '../run/train-teacher-run.js';
import type { CliContext } from './program.js';

const pct = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : 'n/a');
const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(4)}`;

/** The comparison table of a distill run's models. */
export function modelTable(models: ModelEntry[]): string {
  return formatTable(
    ['model', 'params', 'weights', 'FLOPs/sample', 'ms/sample @1', '@256', 'accuracy', 'AUC', 'log-loss', 'ECE'],
    models.map((m) => {
      const metric = (k: 'accuracy' | 'auc' | 'logLoss' | 'ece') =>
        m.seeds ? `${pct(m.seeds[k].mean)} ± ${m.seeds[k].std.toFixed(4)}` : pct(m.test[k]);
      return [
        m.name,
        String(m.params),
        formatBytes(m.weightBytes),
        formatCount(m.flopsPerSample),
        formatMs(m.latencyMs?.batch1),
        formatMs(m.latencyMs?.batch256),
        metric('accuracy'),
        metric('auc'),
        metric('logLoss'),
        metric('ece'),
      ];
    }),
  );
}

/** The α (× T) search table: mean ± std over each setting's live runs, how many counted and were dead. */
export function searchTable(rows: SearchRowEntry[], chosen: { alpha: number; temperature: number }): string {
  return formatTable(
    ['α', 'T', 'mean ± std', 'n', 'dead', ''],
    rows.map((row) => [
      String(row.alpha),
      String(row.temperature),
      row.mean === null || row.std === null ? 'none (all dead)' : `${row.mean.toFixed(4)} ± ${row.std.toFixed(4)}`,
      String(row.values.length),
      String(row.dead),
      row.alpha === chosen.alpha && row.temperature === chosen.temperature ? '← chosen' : '',
    ]),
  );
}

/** One line listing a search's dead runs, or undefined when there were none. */
export function deadRunsLine(dead: DeadSearchRun[]): string | undefined {
  if (dead.length === 0) return undefined;
  const runs = dead.map(
    (d) =>
      `α ${d.alpha}, T ${d.temperature}, seed ${d.seed} (${d.reason}${d.retriedWith !== undefined ? `; re-initialised as seed ${d.retriedWith}` : d.retryOf !== undefined ? `; the re-initialisation of seed ${d.retryOf}` : ''})`,
  );
  return `dead runs (the student learned nothing; each was re-initialised once with another seed, and none is in a mean): ${dead.length}: ${runs.join('; ')}`;
}

/** The soft-target diagnostics of a distill run, as a one-row table. */
export function softTargetsTable(m: RunMetrics): string {
  const s = m.diagnostics.softTargets;
  return formatTable(
    ['soft targets (training rows)', 'T', 'mean |t − y|', 'entropy (nats)', 'soft share', 'nearly labels'],
    [
      [
        s.targets === 'out-of-fold'
          ? `out-of-fold (${m.settings.outOfFold?.folds ?? '?'} folds)`
          : "in-fold (teachers' own outputs)",
        String(s.temperature),
        s.meanAbsGap.toFixed(4),
        s.meanEntropy.toFixed(4),
        `${(s.softShare * 100).toFixed(1)}%`,
        s.nearlyLabels ? 'yes' : 'no',
      ],
    ],
  );
}

/** Runs one parsed command and prints its result; returns the exit code. */
export async function runAction(
  name: string,
  options: Record<string, unknown>,
  ctx: CliContext & { command: string },
): Promise<number> {
  const json = options.json === true;
  const reporter = makeReporter(ctx.io, json);
  const common = { onEvent: reporter.onEvent, ...(ctx.signal ? { signal: ctx.signal } : {}) };
  const show = (path: string) => relative(ctx.cwd, path) || '.';
  const result = (value: unknown) =>
    ctx.io.out(JSON.stringify({ type: 'result', command: name, ...(value as object) }));
  try {
    switch (name) {
      case 'train-teacher': {
        const r = await runTrainTeacher({ ...(options as unknown as TrainTeacherRunOptions), ...common });
        if (json) result(r);
        else {
          const oof = r.teachers.some((t) => t.outOfFold);
          ctx.io.out(
            formatTable(
              [
                'teacher',
                'seed',
                'params',
                'val accuracy',
                'val AUC',
                'val log-loss',
                ...(oof ? ['out-of-fold accuracy', 'log-loss'] : []),
              ],
              r.teachers.map((t) => [
                show(t.dir),
                String(t.seed),
                String(t.params),
                pct(t.validation.accuracy),
                pct(t.validation.auc),
                pct(t.validation.logLoss),
                ...(oof && t.outOfFold ? [pct(t.outOfFold.train.accuracy), pct(t.outOfFold.train.logLoss)] : []),
              ]),
            ),
          );
          const folds = r.teachers.find((t) => t.outOfFold)?.outOfFold?.folds;
          if (folds)
            ctx.io.out(
              `\nout-of-fold outputs (${folds} folds) saved beside each teacher; their accuracy and log-loss are on the training rows, each row scored by the fold model that did not train on it`,
            );
          ctx.io.out(`\nteachers written to ${show(r.out)}`);
        }
        return r.aborted ? stopped(ctx) : 0;
      }
      case 'distill': {
        const command = typeof options.command === 'string' ? options.command : ctx.command; // resumed: the original
        const r = await runDistill({ ...(options as unknown as DistillRunOptions), ...common, command });
        if (r.aborted || !r.metrics) return stopped(ctx);
        if (json)
          result({
            out: r.out,
            studentDir: r.studentDir,
            metricsFile: r.metricsFile,
            historyFile: r.historyFile,
            reportFile: r.reportFile,
            metrics: r.metrics,
          });
        else {
          const m = r.metrics;
          ctx.io.out(
            `Test split (${m.data.rows.test} rows never used in training; α = ${m.settings.alpha}${m.settings.alphaSource === 'search' ? ', searched on validation' : ''}, T = ${m.settings.temperature}; soft targets ${m.settings.teacherTargets}):\n`,
          );
          ctx.io.out(modelTable(m.models));
          ctx.io.out('');
          ctx.io.out(softTargetsTable(m));
          const dead = m.search ? deadRunsLine(m.search.dead) : undefined;
          if (dead) ctx.io.out(`\nα search: ${dead}`);
          const gap = m.gapClosed;
          if (gap.accuracy !== null || gap.logLoss !== null)
            ctx.io.out(
              `\nshare of the scratch → ensemble gap closed by distillation: accuracy ${gap.accuracy === null ? 'n/a' : (gap.accuracy * 100).toFixed(0) + '%'}, log-loss ${gap.logLoss === null ? 'n/a' : (gap.logLoss * 100).toFixed(0) + '%'}`,
            );
          ctx.io.out(
            `\nstudent: ${show(r.studentDir)}\nmetrics: ${show(r.metricsFile)}\nhistory: ${show(r.historyFile)}\nreport:  ${show(r.reportFile!)}`,
          );
        }
        return 0;
      }
      case 'search-alpha': {
        const r = await runSearchAlpha({ ...(options as unknown as SearchAlphaRunOptions), ...common });
        if (json) result(r);
        else {
          const joint = new Set(r.rows.map((row) => row.temperature)).size > 1;
          ctx.io.out(
            `${joint ? 'α × T' : 'α'} search on the validation split (${r.validationRows} rows), ${r.metric} (${r.mode === 'min' ? 'lower' : 'higher'} is better), mean ± std over seeds:\n`,
          );
          ctx.io.out(searchTable(r.rows, r.chosen));
          ctx.io.out(`\nchosen: α = ${r.chosen.alpha}, T = ${r.chosen.temperature}`);
          const dead = deadRunsLine(r.dead);
          if (dead) ctx.io.out(dead);
          if (r.teacherTargets === 'out-of-fold') ctx.io.out("soft targets: the teachers' out-of-fold outputs");
        }
        return 0;
      }
      case 'evaluate': {
        const r = await runEvaluate({ ...(options as unknown as EvaluateRunOptions), ...common });
        if (json) result(r);
        else
          ctx.io.out(
            formatTable(
              ['model', 'rows', 'accuracy', 'AUC', 'log-loss', 'Brier', 'ECE'],
              [
                [
                  show(r.model),
                  String(r.rows),
                  pct(r.metrics.accuracy),
                  pct(r.metrics.auc),
                  pct(r.metrics.logLoss),
                  pct(r.metrics.brier),
                  pct(r.metrics.ece),
                ],
              ],
            ),
          );
        return 0;
      }
      case 'inspect': {
        const r = await runInspect(options as unknown as InspectRunOptions);
        if (json) result(r);
        else {
          ctx.io.out(
            formatTable(
              ['model', 'kind', 'params', 'weights', 'FLOPs/sample', 'ms/sample @1', '@256'],
              r.models.map((m) => [
                m.name,
                m.kind,
                String(m.params),
                formatBytes(m.weightBytes),
                formatCount(m.flopsPerSample),
                formatMs(m.latencyMs?.batch1),
                formatMs(m.latencyMs?.batch256),
              ]),
            ),
          );
          ctx.io.out(`\nlatency measured on the ${r.runtime} runtime`);
        }
        return 0;
      }
      case 'export': {
        const r = await runExport({ ...(options as unknown as ExportRunOptions), ...common });
        if (json) result(r);
        else {
          ctx.io.out(
            `exported to ${show(r.out)}: weights ${formatBytes(r.bytesBefore)} → ${formatBytes(r.bytesAfter)}`,
          );
          if (r.test)
            ctx.io.out(
              `test split: accuracy ${pct(r.test.before.accuracy)} → ${pct(r.test.after.accuracy)} (${signed(r.test.accuracyChange)}), AUC ${pct(r.test.before.auc)} → ${pct(r.test.after.auc)} (${signed(r.test.aucChange)})`,
            );
          if (r.metricsFile) ctx.io.out(`recorded in ${show(r.metricsFile)}`);
          if (r.reportFile) ctx.io.out(`report drawn again: ${show(r.reportFile)}`);
        }
        return 0;
      }
    }
    throw new Error(`No action for command ${name}.`);
  } finally {
    reporter.stop();
  }
}

function stopped(ctx: CliContext): number {
  ctx.io.err('kd: stopped before the end (Ctrl-C); what was written is kept');
  return 1;
}
