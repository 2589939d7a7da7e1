/** What the command line asked for. */
export interface CliOptions {
  student?: string;
  runtimes?: string[];
  steps?: number;
  studentOnly: boolean;
  json: boolean;
  help: boolean;
}

/** A command line that cannot be understood; the CLI prints it with the usage and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: kd-conformance [--student ./my-student.mjs] [--runtimes cpu,wasm,node] [--steps 20]
                      [--student-only] [--json]

Checks the kd runtimes installed here against kd's references (float64 loss fixtures and
committed cpu training runs) and, with --student, that your student builds, trains with the
same per-step losses on every runtime as on cpu, and predicts identically after export/reload.

  --student <file>     module exporting createStudent(seed) (a tfjs-layers model or a kd
                       Student) and optionally inputShape and classes
  --runtimes <list>    comma-separated runtimes to check (required to start); default: cpu,
                       plus wasm and node where @kd/wasm / @kd/node are installed
  --steps <n>          training steps of the student parity check (default 20)
  --student-only       skip kd's own loss and training checks; check the student only
  --json               print {"ok", "rows"} as JSON instead of a table
  -h, --help           show this help

Exit code: 0 when every check passes (unavailable runtimes do not count), 1 on any failure,
2 on a usage error.`;

/** Parses `argv` (without node and the script). */
export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { studentOnly: false, json: false, help: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value.`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const take = () => inline ?? value(i++, flag);
    switch (flag) {
      case '--student':
        options.student = take();
        break;
      case '--runtimes':
        options.runtimes = take()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (options.runtimes.length === 0) throw new UsageError('--runtimes needs at least one name.');
        break;
      case '--steps': {
        const raw = take();
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 2) throw new UsageError(`--steps must be a whole number ≥ 2, got ${raw}.`);
        options.steps = n;
        break;
      }
      case '--student-only':
        options.studentOnly = true;
        break;
      case '--json':
        options.json = true;
        break;
      case '-h':
      case '--help':
        options.help = true;
        break;
      default:
        throw new UsageError(`Unknown argument ${arg}.`);
    }
  }
  if (options.studentOnly && !options.student) throw new UsageError('--student-only needs --student.');
  return options;
}
