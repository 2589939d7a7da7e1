import process, { hrtime } from 'node:process';

/**
 * Step-by-step console output for provisioning: numbered steps, indented facts, and progress
 * displays for the long steps (download, unpack, compile). On a terminal a progress display
 * redraws one line; elsewhere (CI logs) it prints a line every 10 % or every 10 s.
 */
export function createReporter({ stream = process.stdout, quiet = false, totalSteps = 6 } = {}) {
  const tty = Boolean(stream.isTTY) && !process.env.CI;
  const started = hrtime.bigint();
  let stepIndex = 0;
  const write = (text) => {
    if (!quiet) stream.write(text);
  };

  return {
    /** Seconds since the reporter was created. */
    elapsed() {
      return Number(hrtime.bigint() - started) / 1e9;
    },
    /** Starts step `name` and prints its first line. */
    step(name, text) {
      stepIndex += 1;
      write(`[${stepIndex}/${totalSteps}] ${name.padEnd(9)} ${text}\n`);
    },
    /** A fact about the current step, indented under it. */
    info(text) {
      write(`          ${text}\n`);
    },
    /** Prints a line whatever `quiet` says (final result, errors). */
    always(text) {
      stream.write(`${text}\n`);
    },
    /**
     * A progress display. `total` in bytes (or units) when known; `unit` 'bytes' formats as MB.
     * Returns `{ update(done, note?, total?), finish(text) }`.
     */
    progress(label, { total: initialTotal, unit = 'bytes' } = {}) {
      let total = initialTotal;
      const t0 = hrtime.bigint();
      let lastPrintedAt = 0;
      let lastDecile = -1;
      const seconds = () => Number(hrtime.bigint() - t0) / 1e9;
      const describe = (done, note) => {
        const amount = unit === 'bytes' ? formatBytes(done) + (total ? ` / ${formatBytes(total)}` : '') : '';
        const pct = total ? Math.min(100, Math.floor((done / total) * 100)) : undefined;
        const bar =
          pct === undefined ? '' : `[${'#'.repeat(Math.floor(pct / 5)).padEnd(20, '.')}] ${String(pct).padStart(3)}% `;
        return ['         ', label, bar.trimEnd(), amount, note, `${seconds().toFixed(1)}s`].filter(Boolean).join(' ');
      };
      return {
        /** Records `done` units; `newTotal` sets the total once it becomes known. */
        update(done, note, newTotal) {
          if (newTotal) total = newTotal;
          if (quiet) return;
          if (tty) {
            stream.write(`\r\x1b[2K${describe(done, note)}`);
            return;
          }
          const decile = total ? Math.floor((done / total) * 10) : -1;
          const now = seconds();
          if ((total && decile > lastDecile) || now - lastPrintedAt >= 10) {
            lastDecile = decile;
            lastPrintedAt = now;
            stream.write(`${describe(done, note)}\n`);
          }
        },
        finish(text) {
          if (quiet) return;
          if (tty) stream.write('\r\x1b[2K');
          stream.write(`          ${label} ${text} (${seconds().toFixed(1)}s)\n`);
        },
      };
    },
  };
}

/** `1234567` → `1.2 MB`. */
export function formatBytes(bytes) {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}
