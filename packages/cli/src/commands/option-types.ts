import { z } from 'zod';

/** How one option is written on the command line and in kd.config.json. */
export interface OptionDef {
  /** camelCase key, as in the config file and in the `run*` functions' options. */
  key: string;
  /** commander flags, e.g. `--batch-size <n>` or `--search-alpha [alphas]`. */
  flags: string;
  description: string;
  /** Validates (and converts) a value from the command line or the config file. */
  schema: z.ZodType;
  /** Shown in help and applied when neither the command line nor the config gives a value. */
  defaultValue?: unknown;
  required?: boolean;
  /** The flag may be given several times (`--teacher a --teacher b`). */
  repeatable?: boolean;
  /** Allowed values, listed in help. */
  choices?: readonly string[];
}

/** A positional argument. */
export interface ArgumentDef {
  key: string;
  name: string;
  description: string;
  variadic?: boolean;
  required?: boolean;
  schema: z.ZodType;
}

/** One command: the single source of its parser, its `--help` and its docs reference. */
export interface CommandDef {
  name: string;
  summary: string;
  /** A paragraph for `--help` and the docs. */
  description: string;
  arguments?: ArgumentDef[];
  options: OptionDef[];
  examples: string[];
}

/** A number from the command line ("0.3") or the config file (0.3). */
export const numberValue = (check: (n: z.ZodNumber) => z.ZodNumber = (n) => n) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v), check(z.number()));

/** A whole number from the command line or the config file. */
export const intValue = (min: number) => numberValue((n) => n.int().min(min));

/** A comma-separated list of numbers ("0,0.5,1") or an array of numbers. */
export const numberList = (check: (n: z.ZodNumber) => z.ZodNumber = (n) => n) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '')
            .map(Number)
        : v,
    z.array(check(z.number())).min(1),
  );

/** A list of strings: repeated flags, or an array in the config file. */
export const stringList = z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(z.string().min(1)).min(1));

export const booleanValue = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());
