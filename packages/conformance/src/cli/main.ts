import { runConformance } from '../run/run-conformance.js';
import type { ConformanceRow } from '../run/types.js';
import { formatTable } from './format-table.js';
import { loadStudentModule } from './load-student-module.js';
import { parseArgs, USAGE, UsageError } from './parse-args.js';

/** Where the CLI writes; replaceable so the CLI can be run inside a test. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
};

/** Runs `kd-conformance` with `argv`; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let options;
  try {
    options = parseArgs(argv);
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    io.out(USAGE);
    return 0;
  }
  let rows: ConformanceRow[];
  try {
    const student = options.student ? await loadStudentModule(options.student) : undefined;
    rows = await runConformance({
      ...(options.runtimes ? { runtimes: options.runtimes } : {}),
      ...(student ? { student } : {}),
      ...(options.steps ? { steps: options.steps } : {}),
      builtInChecks: !options.studentOnly,
      ...(options.json
        ? {}
        : {
            onRow: (row: ConformanceRow) =>
              io.err(
                `  ${row.status === 'fail' ? '✗' : row.status === 'pass' ? '✓' : '–'} ${row.runtime}: ${row.check}`,
              ),
          }),
    });
  } catch (e) {
    io.err(
      e instanceof UsageError
        ? `${e.message}\n\n${USAGE}`
        : `kd-conformance could not run: ${e instanceof Error ? e.message : String(e)}`,
    );
    return 2;
  }
  const ok = rows.every((r) => r.status !== 'fail');
  if (options.json) io.out(JSON.stringify({ ok, rows }, null, 2));
  else {
    const count = (status: string) => rows.filter((r) => r.status === status).length;
    io.out(
      `${formatTable(rows)}\n\n${ok ? 'PASS' : 'FAIL'}: ` +
        `${count('pass')} passed, ${count('fail')} failed, ${count('unavailable')} unavailable`,
    );
  }
  return ok ? 0 : 1;
}
