import { Command, CommanderError, Option } from 'commander';
import { isKdError, KdError } from '@kd/core';
import { readConfig } from '../config/config-file.js';
import type { CommandIo } from '../output/reporters.js';
import { resolve } from 'node:path';
import { resumedOptions } from '../run/resume.js';
import { packageVersions } from '../run/versions.js';
import { runAction } from './actions.js';
import { COMMANDS, GLOBAL_OPTIONS } from './definitions.js';
import type { CommandDef, OptionDef } from './option-types.js';

/** What the `kd` command runs with: where it writes, its working folder, and the Ctrl-C signal. */
export interface CliContext {
  io: CommandIo;
  cwd: string;
  signal?: AbortSignal;
}

/** Exit codes: 0 ok, 1 the run failed, 2 bad usage or input. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** KdError codes that mean the environment or the run failed rather than the input being wrong. */
const RUN_FAILURES = new Set([
  'KD_TRAINING_DIVERGED',
  'KD_SEARCH_ALL_DEAD',
  'KD_BACKEND_UNAVAILABLE',
  'KD_KERNEL_MISSING',
  'KD_PROVISION_FAILED',
]);

/** Help text of one option, with its choices and default. */
export function optionHelp(o: OptionDef): string {
  const extra = [
    o.required ? 'required' : '',
    o.repeatable ? 'repeatable' : '',
    o.defaultValue !== undefined && typeof o.defaultValue !== 'boolean' ? `default: ${String(o.defaultValue)}` : '',
  ].filter(Boolean);
  return extra.length ? `${o.description} (${extra.join('; ')})` : o.description;
}

/** Builds the commander program from the command definitions; `onRun` receives the parsed command. */
export function buildProgram(io: CommandIo, onRun: (def: CommandDef, cmd: Command, args: unknown[]) => void): Command {
  const program = new Command('kd')
    .description(
      'Knowledge distillation from data files and tfjs models: train teachers, distil a small student, evaluate, inspect and export it.',
    )
    .version(packageVersions()['@kd/cli'] ?? '0.0.0', '-v, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
      // commander puts the suggestion on a second line; bad usage gets one line.
      outputError: (s, write) =>
        write(
          `kd: ${s
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')
            .trim()}\n`,
        ),
    });
  for (const def of COMMANDS) {
    const cmd = program.command(def.name).summary(def.summary).description(def.description);
    cmd.exitOverride().showSuggestionAfterError(true).configureOutput(program.configureOutput());
    for (const a of def.arguments ?? [])
      cmd.argument(
        a.required ? `<${a.name}${a.variadic ? '...' : ''}>` : `[${a.name}${a.variadic ? '...' : ''}]`,
        a.description,
      );
    for (const o of [...def.options, ...GLOBAL_OPTIONS]) {
      const option = new Option(o.flags, optionHelp(o));
      if (o.choices) option.choices(o.choices);
      if (o.repeatable)
        option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
      cmd.addOption(option);
    }
    cmd.addHelpText('after', `\nExamples:\n${def.examples.map((e) => `  $ ${e}`).join('\n')}`);
    cmd.action((...args: unknown[]) => onRun(def, cmd, args.slice(0, (def.arguments ?? []).length)));
  }
  return program;
}

/**
 * Merges defaults, the config file and the command line (in that order of precedence, lowest
 * first), validates every value with its option's schema and checks required options.
 */
export function resolveOptions(def: CommandDef, cmd: Command, args: unknown[], cwd: string): Record<string, unknown> {
  const given = cmd.opts<Record<string, unknown>>();
  const config = readConfig(def, COMMANDS, {
    cwd,
    ...(typeof given.config === 'string' ? { file: given.config } : {}),
  });
  if (def.name === 'distill' && cmd.getOptionValueSource('resume') === 'cli')
    return resumeValues(def, cmd, resolve(cwd, String(given.resume)), cwd);
  const values: Record<string, unknown> = {};
  for (const o of def.options) {
    const fromCli = cmd.getOptionValueSource(o.key) === 'cli';
    const raw = fromCli ? given[o.key] : o.key in config.values ? config.values[o.key] : o.defaultValue;
    if (raw === undefined) {
      if (o.required)
        throw new KdError(
          'KD_INVALID_ARGUMENT',
          `${flagName(o)} is required for kd ${def.name} (on the command line, or as "${o.key}" in ${config.file ?? 'kd.config.json'}). See kd ${def.name} --help.`,
          { option: o.key },
        );
      continue;
    }
    const parsed = o.schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = fromCli ? flagName(o) : `"${o.key}" in ${config.file}`;
      throw new KdError(
        fromCli || !config.file ? 'KD_INVALID_ARGUMENT' : 'KD_CONFIG_INVALID',
        `${where}: ${issue.message.replace(/^Invalid input: /, '')} (got ${JSON.stringify(raw)}). See kd ${def.name} --help.`,
        { option: o.key },
      );
    }
    values[o.key] = parsed.data;
  }
  (def.arguments ?? []).forEach((a, i) => {
    const parsed = a.schema.safeParse(args[i]);
    if (!parsed.success) throw new KdError('KD_INVALID_ARGUMENT', `${a.name}: ${parsed.error.issues[0]!.message}.`);
    values[a.key] = parsed.data;
  });
  return values;
}

/** `kd distill --resume DIR`: the options come from the run folder, so none may be given besides. */
function resumeValues(def: CommandDef, cmd: Command, dir: string, cwd: string): Record<string, unknown> {
  const extra = def.options.filter(
    (o) => !['resume', 'json'].includes(o.key) && cmd.getOptionValueSource(o.key) === 'cli',
  );
  if (extra.length > 0)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `--resume continues a run with the options it was started with (recorded in its kd-run.json); leave out ${extra.map(flagName).join(', ')}.`,
      { options: extra.map((o) => o.key) },
    );
  return { ...resumedOptions(dir, cwd), json: cmd.opts<Record<string, unknown>>().json === true };
}

function flagName(o: OptionDef): string {
  return o.flags.split(/[ ,]/)[0]!;
}

/**
 * Runs `kd` with these arguments (without the node and script paths) and returns the exit code.
 * Bad usage or input prints one line (the KdError message) and returns 2; a failed run returns 1.
 *
 * @example
 * ```ts
 * import { main } from '@kd/cli';
 * const code = await main(['inspect', 'run/student'], { io: { out: console.log, err: console.error, isTty: false }, cwd: process.cwd() });
 * ```
 */
export async function main(argv: string[], ctx: CliContext): Promise<number> {
  let chosen: { def: CommandDef; cmd: Command; args: unknown[] } | undefined;
  const program = buildProgram(ctx.io, (def, cmd, args) => {
    chosen = { def, cmd, args };
  });
  if (argv.length === 0) {
    ctx.io.err(program.helpInformation().replace(/\n$/, ''));
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)) return EXIT.ok;
      return EXIT.usage;
    }
    throw error;
  }
  if (!chosen) return EXIT.usage;
  try {
    const options = resolveOptions(chosen.def, chosen.cmd, chosen.args, ctx.cwd);
    return await runAction(chosen.def.name, options, { ...ctx, command: ['kd', ...argv].join(' ') });
  } catch (error) {
    if (isKdError(error)) {
      ctx.io.err(`kd: ${error.message.replace(/\s*\n\s*/g, ' ')}`);
      return RUN_FAILURES.has(error.code) ? EXIT.failed : EXIT.usage;
    }
    const e = error as Error;
    ctx.io.err(`kd: the run failed: ${e?.message ?? String(error)}`.replace(/\s*\n\s*/g, ' '));
    if (process.env.KD_DEBUG) ctx.io.err(String(e?.stack));
    return EXIT.failed;
  }
}
