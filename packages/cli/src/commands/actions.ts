import { relative } from 'node:path';
import type { ModelEntry } from '@kd/report';
import { makeReporter } from '../output/reporters.js';
import { formatBytes, formatCount, formatMs, formatTable } from '../output/table.js';
import { runDistill, type DistillRunOptions } from '../run/distill-run.js';
import { runEvaluate, type EvaluateRunOptions } from '../run/evaluate-run.js';
import { runExport, type ExportRunOptions } from '../run/export-run.js';
import { runInspect, type InspectRunOptions } from '../run/inspect-run.js';
import { runSearchAlpha, type SearchAlphaRunOptions } from '../run/search-alpha-run.js';
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
          ctx.io.out(
            formatTable(
              ['teacher', 'seed', 'params', 'val accuracy', 'val AUC', 'val log-loss'],
              r.teachers.map((t) => [
                show(t.dir),
                String(t.seed),
                String(t.params),
                pct(t.validation.accuracy),
                pct(t.validation.auc),
                pct(t.validation.logLoss),
              ]),
            ),
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
            `Test split (${m.data.rows.test} rows never used in training; α = ${m.settings.alpha}${m.settings.alphaSource === 'search' ? ', searched on validation' : ''}, T = ${m.settings.temperature}):\n`,
          );
          ctx.io.out(modelTable(m.models));
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
          ctx.io.out(
            `α search on the validation split (${r.validationRows} rows), ${r.metric} (${r.mode === 'min' ? 'lower' : 'higher'} is better):\n`,
          );
          ctx.io.out(
            formatTable(
              ['α', 'T', 'mean', 'std', ''],
              r.rows.map((row) => [
                String(row.alpha),
                String(row.temperature),
                row.mean.toFixed(4),
                row.std.toFixed(4),
                row.alpha === r.chosen.alpha && row.temperature === r.chosen.temperature ? '← chosen' : '',
              ]),
            ),
          );
          ctx.io.out(`\nchosen: α = ${r.chosen.alpha}, T = ${r.chosen.temperature}`);
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
