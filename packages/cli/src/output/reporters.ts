import cliProgress from 'cli-progress';
import type { RunEvent } from './events.js';

/** Where the command writes: results to `out`, progress and notes to `err`. */
export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether `err` is a terminal (then progress is a bar with ETA). */
  isTty: boolean;
}

/** Turns run events into output: JSON lines, a progress bar on a terminal, or plain lines. */
export function makeReporter(io: CommandIo, json: boolean): { onEvent: (e: RunEvent) => void; stop: () => void } {
  if (json) return { onEvent: (e) => e.type !== 'batch' && io.out(JSON.stringify(e)), stop: () => {} };
  let bar: cliProgress.SingleBar | undefined;
  const stopBar = () => {
    bar?.stop();
    bar = undefined;
  };
  const label = (model: string, seed: number) => `${model}${seed ? ` (seed ${seed})` : ''}`;
  return {
    stop: stopBar,
    onEvent: (e) => {
      switch (e.type) {
        case 'note':
          stopBar();
          io.err(`note: ${e.message}`);
          break;
        case 'warning':
          stopBar();
          io.err(`warning: ${e.message}`);
          break;
        case 'train-begin':
          if (io.isTty) {
            bar = new cliProgress.SingleBar(
              {
                format: `${label(e.model, e.seed).padEnd(24)} {bar} {percentage}% | ETA {eta_formatted} | {status}`,
                stream: process.stderr,
                hideCursor: true,
                clearOnComplete: true,
              },
              cliProgress.Presets.shades_classic,
            );
            bar.start(e.totalSteps, 0, { status: '' });
          } else io.err(`training ${label(e.model, e.seed)}: ${e.epochs} epochs`);
          break;
        case 'batch':
          // BatchLog.step counts from 0: after step s, s + 1 steps are done.
          bar?.update(e.step + 1);
          break;
        case 'epoch': {
          const val = e.val.val_loss === undefined ? '' : ` val_loss ${e.val.val_loss.toFixed(4)}`;
          const status = `epoch ${e.epoch + 1}/${e.epochs} loss ${e.loss.toFixed(4)}${val}`;
          if (bar) bar.update({ status });
          else io.err(`  ${label(e.model, e.seed)} ${status}`);
          break;
        }
        case 'train-end': {
          stopBar();
          if (io.isTty) io.err(`trained ${label(e.model, e.seed)}${e.aborted ? ' (stopped)' : ''}`);
          const s = e.earlyStopping;
          if (s)
            io.err(
              `  ${label(e.model, e.seed)}: ${s.stoppedEarly ? `early stopping ended it after ${s.epochs} epochs` : `trained all ${s.epochs} epochs`}; kept the weights of epoch ${s.bestEpoch + 1}${s.bestValLoss === null ? '' : ` (lowest val_loss ${s.bestValLoss.toFixed(4)})`}`,
            );
          break;
        }
        case 'search-run':
          io.err(
            `  search ${e.done}/${e.total}: α ${e.alpha}, T ${e.temperature}${e.transferMultiple !== undefined ? `, ×${e.transferMultiple}` : ''}, seed ${e.seed}${e.retryOf !== undefined ? ` (re-initialised; seed ${e.retryOf} was dead)` : ''} → ${e.value.toFixed(4)}${e.epochs !== undefined ? ` (${e.epochs} epochs)` : ''}${e.dead ? ` — dead (${e.dead})${e.retryOf === undefined ? ', re-initialising once' : ''}` : ''}`,
          );
          break;
      }
    },
  };
}
