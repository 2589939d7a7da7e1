import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { KdError } from '@kd/core';
import type { z } from 'zod';
import type { CommandDef } from '../commands/option-types.js';
import { closest } from './suggest.js';

/** The config file read when --config is not given, if it exists in the working folder. */
export const DEFAULT_CONFIG_FILE = 'kd.config.json';

/** Option values from a config file for one command, already validated; `file` is null when there is none. */
export interface ConfigValues {
  file: string | null;
  values: Record<string, unknown>;
}

/**
 * Reads `kd.config.json` (or `--config FILE`) and returns the values that apply to `command`.
 * Top-level keys set an option for every command that has it; a key named after a command
 * (`"distill": { "alpha": 0.3 }`) sets options of that command only and wins. Every value is
 * checked with the option's schema, and errors name the key path.
 *
 * @example
 * ```ts
 * const { values } = readConfig(commandDef('distill'), COMMANDS, { cwd: process.cwd() });
 * ```
 */
export function readConfig(
  command: CommandDef,
  all: readonly CommandDef[],
  options: { cwd: string; file?: string },
): ConfigValues {
  const file = options.file ? resolve(options.cwd, options.file) : resolve(options.cwd, DEFAULT_CONFIG_FILE);
  if (!existsSync(file)) {
    if (options.file)
      throw new KdError(
        'KD_CONFIG_INVALID',
        `The config file ${options.file} does not exist. Check the --config path.`,
        {
          file,
        },
      );
    return { file: null, values: {} };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new KdError(
      'KD_CONFIG_INVALID',
      `${file} is not valid JSON (${(cause as Error).message}). Fix the file or pass another with --config.`,
      { file },
      { cause },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new KdError(
      'KD_CONFIG_INVALID',
      `${file} must hold one JSON object of option values, e.g. { "epochs": 10 }.`,
      {
        file,
      },
    );
  const optionOf = (def: CommandDef, key: string) => def.options.find((o) => o.key === key);
  const allKeys = [...new Set(all.flatMap((c) => c.options.map((o) => o.key)))];
  const shared: Record<string, unknown> = {};
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const section = all.find((c) => c.name === key);
    if (section) {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw configError(file, key, `must be an object of ${key} options`);
      for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>)) {
        const option = optionOf(section, inner);
        if (!option)
          throw unknownKey(
            file,
            `${key}.${inner}`,
            inner,
            section.options.map((o) => o.key),
          );
        const checked = check(option.schema, innerValue, file, `${key}.${inner}`);
        if (section === command) own[inner] = checked;
      }
      continue;
    }
    if (!allKeys.includes(key)) throw unknownKey(file, key, key, [...allKeys, ...all.map((c) => c.name)]);
    const option = optionOf(command, key);
    if (option) shared[key] = check(option.schema, value, file, key);
  }
  return { file, values: { ...shared, ...own } };
}

function check(schema: z.ZodType, value: unknown, file: string, path: string): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = [path, ...issue.path.map(String)].join('.');
  throw configError(file, where, issue.message);
}

function configError(file: string, path: string, why: string): KdError {
  return new KdError('KD_CONFIG_INVALID', `${file}: "${path}" ${why.replace(/^Invalid input: /, '')}.`, { file, path });
}

function unknownKey(file: string, path: string, key: string, known: string[]): KdError {
  const hint = closest(key, known);
  return new KdError(
    'KD_CONFIG_INVALID',
    `${file}: unknown key "${path}"${hint ? ` (did you mean "${hint}"?)` : ''}. Keys are option names in camelCase, e.g. "batchSize", or a command name holding its own options.`,
    { file, path },
  );
}
