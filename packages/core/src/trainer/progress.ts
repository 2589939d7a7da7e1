import type { DistillCallbacks, EpochLog } from './types.js';

interface Sink {
  write(text: string): unknown;
  isTTY?: boolean;
}

function stderrSink(): Sink | undefined {
  const p = (globalThis as { process?: { stderr?: Sink } }).process;
  return p?.stderr && typeof p.stderr.write === 'function' ? p.stderr : undefined;
}

/** One line per epoch: losses and validation metrics, formatted for people. */
export function formatEpoch(log: EpochLog, epochs: number): string {
  const val = Object.entries(log.val)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join('  ');
  return (
    `epoch ${log.epoch + 1}/${epochs}  ` +
    `loss ${log.loss.toFixed(4)} (hard ${log.hardLoss.toFixed(4)}, soft ${log.softLoss.toFixed(4)})  ` +
    `α ${log.alpha.toFixed(2)}  T ${log.temperature.toFixed(2)}  ${val}  ${(log.durationMs / 1000).toFixed(1)}s`
  );
}

/**
 * A progress display: a bar that redraws on a terminal while an epoch runs, a line per epoch,
 * and a line per warning about the run. Writes to standard error in Node and to `console.log` elsewhere.
 *
 * @example
 * ```ts
 * await distill({ ...options, callbacks: consoleProgress({ prefix: 'student' }) });
 * ```
 */
export function consoleProgress(options: { prefix?: string; sink?: Sink } = {}): DistillCallbacks {
  const sink = options.sink ?? stderrSink();
  const prefix = options.prefix ? `[${options.prefix}] ` : '';
  const write = (line: string) => (sink ? sink.write(`${line}\n`) : console.log(line));
  let epochs = 0;
  let lastDraw = 0;
  return {
    onTrainBegin(log) {
      epochs = log.epochs;
      write(
        `${prefix}${log.fromScratch ? 'training from scratch' : 'distilling'} on ${log.runtime.backend}: ` +
          `${log.trainRows} rows${log.unlabeledRows > 0 ? ` (+ ${log.unlabeledRows} unlabelled)` : ''}, ` +
          `${log.validationRows} validation rows, ` +
          `${log.epochs} epochs of ${Math.ceil(log.totalSteps / log.epochs)} steps`,
      );
    },
    onWarning(warning) {
      write(`${prefix}warning ${warning.code}: ${warning.message}`);
    },
    onBatchEnd(log) {
      if (!sink?.isTTY) return;
      const now = Date.now();
      if (now - lastDraw < 100 && log.batch + 1 < log.batchesPerEpoch) return;
      lastDraw = now;
      const width = 24;
      const done = Math.round(((log.batch + 1) / log.batchesPerEpoch) * width);
      sink.write(
        `\r${prefix}epoch ${log.epoch + 1}/${epochs} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${log.batch + 1}/${log.batchesPerEpoch}`,
      );
    },
    onEpochEnd(log) {
      if (sink?.isTTY) sink.write('\r\x1b[2K');
      write(prefix + formatEpoch(log, epochs));
    },
  };
}
