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

/** The generators `--transfer` names. */
export const TRANSFER_METHODS = ['munge', 'mixup', 'noise'] as const;

/** A parsed `--transfer METHOD:MULTIPLE`. */
export interface TransferFlag {
  method: (typeof TRANSFER_METHODS)[number];
  multiple: number;
}

/** Reads `METHOD:MULTIPLE` (e.g. `munge:10`); a string saying what is wrong when it is not one. */
export function parseTransfer(text: string): TransferFlag | string {
  const match = /^\s*([^:\s]*)\s*:\s*([^\s]*)\s*$/.exec(text);
  const example = 'e.g. munge:10 for a table, mixup:4 for images';
  if (!match) return `write it as METHOD:MULTIPLE, ${example}`;
  const [, method, multiple] = match as unknown as [string, string, string];
  if (!(TRANSFER_METHODS as readonly string[]).includes(method))
    return `the method must be ${TRANSFER_METHODS.join(', ').replace(/, (\w+)$/, ' or $1')}, ${example}`;
  const m = /^\d+$/.test(multiple) ? Number(multiple) : NaN;
  if (!Number.isSafeInteger(m) || m < 1)
    return `MULTIPLE must be a whole number of at least 1 (the generated rows are MULTIPLE × the training rows), ${example}`;
  return { method: method as TransferFlag['method'], multiple: m };
}

/** `--transfer METHOD:MULTIPLE` on the command line, or the same string in the config file. */
export const transferValue = z
  .string()
  .superRefine((v, ctx) => {
    const parsed = parseTransfer(v);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
  })
  .transform((v) => parseTransfer(v) as TransferFlag);
