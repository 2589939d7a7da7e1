import { z } from 'zod';
import {
  booleanValue,
  intValue,
  numberList,
  numberValue,
  stringList,
  transferValue,
  type CommandDef,
  type OptionDef,
} from './option-types.js';
import { dataOptions, jsonOption, runtimeOption, teacherOutputOption, trainingOptions } from './shared-options.js';

export const COMBINE_NAMES = ['mean-probability', 'mean-logit', 'weighted'] as const;
export const QUANTIZE_DTYPES = ['float16', 'uint8'] as const;

const out = (what: string): OptionDef => ({
  key: 'out',
  flags: '--out <dir>',
  description: `Folder to write ${what} to: new, empty, or an earlier kd run (any other folder is refused).`,
  schema: z.string().min(1),
  required: true,
});

const teacherOptions: OptionDef[] = [
  {
    key: 'teacher',
    flags: '--teacher <path-or-url>',
    description:
      'A teacher: a tfjs model.json (layers or graph model), its folder, a folder of such folders (each counts), or an http(s) URL. Repeat for an ensemble.',
    schema: stringList,
    required: true,
    repeatable: true,
  },
  teacherOutputOption,
  {
    key: 'combine',
    flags: '--combine <how>',
    description: 'How several teachers are combined.',
    schema: z.enum(COMBINE_NAMES),
    choices: COMBINE_NAMES,
    defaultValue: 'mean-probability',
  },
  {
    key: 'weights',
    flags: '--weights <numbers>',
    description: 'Comma-separated teacher weights for --combine weighted, in --teacher order.',
    schema: numberList((n) => n.min(0)),
  },
  {
    key: 'oof',
    flags: '--no-oof',
    description:
      "Train on the teachers' own outputs for the training rows even when they have out-of-fold outputs for them (from kd train-teacher --folds).",
    schema: booleanValue,
    defaultValue: true,
  },
];

const studentOption: OptionDef = {
  key: 'student',
  flags: '--student <spec>',
  description:
    'The student: logistic, mlp:UNITS[,UNITS...] (e.g. mlp:8, mlp:64,32), cnn-tiny (images), or a path to a module exporting createStudent({ inputShape, units, seed }) that returns a tfjs-layers model with a linear last layer.',
  schema: z.string().min(1),
  required: true,
};

const temperatureOption: OptionDef = {
  key: 'temperature',
  flags: '--temperature <t>',
  description: 'Softening temperature of the teacher and student outputs.',
  schema: numberValue((n) => n.positive()),
  defaultValue: 1,
};

const seedsOption: OptionDef = {
  key: 'seeds',
  flags: '--seeds <n>',
  description:
    'Students trained per setting, with seeds --seed, --seed+1, ...; metrics report mean ± std, the first is saved.',
  schema: intValue(1),
  defaultValue: 1,
};

const searchAlphaValues: OptionDef = {
  key: 'searchAlpha',
  flags: '--search-alpha [alphas]',
  description:
    'Choose α on the validation split among these comma-separated values (alone: 0,0.1,...,1), by validation log-loss.',
  schema: z.union([z.literal(true), numberList((n) => n.min(0).max(1))]),
};

const temperaturesOption: OptionDef = {
  key: 'temperatures',
  flags: '--temperatures <list>',
  description: 'Comma-separated temperatures searched together with α (default: --temperature alone).',
  schema: numberList((n) => n.positive()),
};

/** Rows without labels for the teachers to label: read from a file, generated, or both (`kd distill`, `kd search-alpha`). */
const extraRowsOptions: OptionDef[] = [
  {
    key: 'unlabeled',
    flags: '--unlabeled <file>',
    description:
      "Rows without labels, in the format of --data (CSV or JSON lines with the training data's feature columns, whose label column may be absent or empty and is never read; an IDX image file; a folder of images, or of folders of images). Read and preprocessed like the training rows (with the training split's means and stds); the teachers label them and the student trains on them next to the labelled rows.",
    schema: z.string().min(1),
  },
  {
    key: 'transfer',
    flags: '--transfer <method:multiple>',
    description:
      'Also train on MULTIPLE × N rows generated from the N training rows before training and labelled by the teachers: munge (tables only), mixup or noise; e.g. munge:10 for a table, mixup:4 for images.',
    schema: transferValue,
  },
  {
    key: 'transferSeed',
    flags: '--transfer-seed <n>',
    description:
      "Seeds the generator of --transfer (default 0); not --seed's, so every student trains on the same generated rows.",
    schema: intValue(0),
  },
];

/** Every `kd` command, in the order help and docs list them. */
export const COMMANDS: CommandDef[] = [
  {
    name: 'train-teacher',
    summary: 'Train one or several teacher models on a data file.',
    description:
      'For data without a teacher yet: trains --ensemble models (seeds --seed, --seed+1, ...) on the training split and saves each as a tfjs layers model in DIR/teacher-1, DIR/teacher-2, ... With the same --data, --seed, --validation and --test, `kd distill` holds out exactly the same test rows, so the teachers never see them. With --folds k each teacher also gets out-of-fold outputs for the training rows, which `kd distill` uses as soft targets.',
    options: [
      ...dataOptions,
      {
        key: 'model',
        flags: '--model <spec>',
        description: 'The teacher architecture, in the --student spec format (e.g. mlp:64,32).',
        schema: z.string().min(1),
        defaultValue: 'mlp:64,32',
      },
      {
        key: 'ensemble',
        flags: '--ensemble <n>',
        description: 'Number of teachers to train, each from a different seed.',
        schema: intValue(1),
        defaultValue: 1,
      },
      {
        key: 'folds',
        flags: '--folds <k>',
        description:
          "Also train k fold models per teacher (k ≥ 2), each on all training folds but one (stratified, seeded), and save every training row's output from the fold model that did not see it (oof-outputs.json + .bin beside the teacher): kd distill then trains on these out-of-fold soft targets.",
        schema: intValue(2),
      },
      ...trainingOptions,
      runtimeOption,
      out('the teachers'),
      jsonOption,
    ],
    examples: [
      'kd train-teacher --data train.csv --label churned --model mlp:64,32 --ensemble 3 --out teachers',
      'kd train-teacher --data train.csv --label churned --model mlp:64,32 --ensemble 3 --folds 5 --out teachers',
    ],
  },
  {
    name: 'distill',
    summary: 'Distil teachers into a small student and report how it compares.',
    description:
      'Trains the student on the training split against the labels and the teachers (an ensemble when several), and on the rows without labels of --unlabeled and --transfer against the teachers alone; then the same student from scratch on the labelled rows only, with the same seeds (unless --no-scratch); then measures every model on the test split. Writes student/ (model.json, weights, preprocessing.json), metrics.json, history.jsonl and report.html (charts, self-contained: opens offline) to --out.',
    options: [
      ...dataOptions,
      ...teacherOptions,
      studentOption,
      {
        key: 'alpha',
        flags: '--alpha <a>',
        // No defaultValue: a default would clash with --search-alpha; runDistill uses 0.5 without either.
        description:
          'Weight of the hard (label) loss, in [0, 1]; 1 − α weighs the teacher loss (0.5 unless --search-alpha).',
        schema: numberValue((n) => n.min(0).max(1)),
      },
      searchAlphaValues,
      temperaturesOption,
      temperatureOption,
      seedsOption,
      ...extraRowsOptions,
      ...trainingOptions,
      runtimeOption,
      {
        key: 'scratch',
        flags: '--no-scratch',
        description: 'Skip training the same student from scratch (then no gain is reported).',
        schema: booleanValue,
        defaultValue: true,
      },
      out('the run'),
      {
        key: 'checkpointEvery',
        flags: '--checkpoint-every <steps>',
        description:
          "Save each training's state to --out/checkpoints/ every this many steps and at every epoch end, so an interrupted run can be continued with --resume (removed when the run finishes).",
        schema: intValue(1),
      },
      {
        key: 'resume',
        flags: '--resume <dir>',
        description:
          "Continue the interrupted run in DIR (a --checkpoint-every run) from its checkpoints, with the options recorded in DIR/kd-run.json; give no other options (but --json). The result is the same as an uninterrupted run's.",
        schema: z.string().min(1),
      },
      jsonOption,
    ],
    examples: [
      'kd distill --data train.csv --label churned --teacher teachers --student mlp:8 --out run',
      'kd distill --data train.csv --label churned --teacher teachers --student mlp:8 --transfer munge:10 --out run',
      'kd distill --data train.csv --label churned --teacher teachers --student mlp:8 --unlabeled unlabeled.csv --out run',
      'kd distill --data train.csv --label churned --teacher teachers --student mlp:8 --epochs 100 --early-stopping 5 --out run',
      'kd distill --data train.csv --label churned --teacher teachers --student mlp:8 --checkpoint-every 200 --out run',
      'kd distill --resume run',
      'kd distill --data train.csv --label churned --teacher a/model.json --teacher b/model.json --student logistic --search-alpha 0,0.25,0.5,0.75,1 --seeds 3 --out run',
    ],
  },
  {
    name: 'search-alpha',
    summary: 'Choose α (and optionally T) on the validation split alone.',
    description:
      'Trains one student per (α, T, seed), and with --transfer-multiples per transfer multiple too, on the training split and compares them on the validation split only (never the test split), printing the table and the chosen setting.',
    options: [
      ...dataOptions,
      ...teacherOptions,
      studentOption,
      {
        key: 'alphas',
        flags: '--alphas <list>',
        description: 'Comma-separated α values to try.',
        schema: numberList((n) => n.min(0).max(1)),
        defaultValue: '0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1',
      },
      temperaturesOption,
      temperatureOption,
      { ...seedsOption, defaultValue: 2 },
      {
        key: 'metric',
        flags: '--metric <name>',
        description: 'The validation value to select on.',
        schema: z.enum(['val_loss', 'val_accuracy', 'val_auc', 'val_logLoss', 'val_brier', 'val_ece']),
        choices: ['val_loss', 'val_accuracy', 'val_auc', 'val_logLoss', 'val_brier', 'val_ece'],
        defaultValue: 'val_loss',
      },
      ...extraRowsOptions,
      {
        key: 'transferMultiples',
        flags: '--transfer-multiples <list>',
        description:
          "Comma-separated multiples searched as a third axis next to α and T, in place of --transfer's (0: no generated rows, the baseline), e.g. 0,4,10.",
        schema: numberList((n) => n.int().min(0)),
      },
      ...trainingOptions,
      runtimeOption,
      jsonOption,
    ],
    examples: [
      'kd search-alpha --data train.csv --label churned --teacher teachers --student mlp:8 --alphas 0,0.5,1',
      'kd search-alpha --data train.csv --label churned --teacher teachers --student mlp:8 --alphas 0,0.5 --transfer munge:1 --transfer-multiples 0,4,10',
    ],
  },
  {
    name: 'evaluate',
    summary: 'Metrics of a model on a data file.',
    description:
      'Loads a model folder (a kd student with its preprocessing.json, a kd teacher, or any tfjs layers model) and prints accuracy, AUC, log-loss, Brier score and ECE on every row of --data, with the preprocessing the model was trained with.',
    options: [
      {
        key: 'model',
        flags: '--model <dir>',
        description: 'Model folder (or its model.json).',
        schema: z.string().min(1),
        required: true,
      },
      ...dataOptions.filter((o) => ['data', 'label', 'features', 'classes', 'imageSize'].includes(o.key)),
      teacherOutputOption,
      runtimeOption,
      jsonOption,
    ],
    examples: ['kd evaluate --model run/student --data holdout.csv --label churned'],
  },
  {
    name: 'inspect',
    summary: 'Size, FLOPs and latency of models, side by side.',
    description:
      'For each model: parameters, weight bytes (as stored), FLOPs per sample counted from its layers (dense, conv, pooling, activations; a multiply-add is 2), and latency per sample measured on --runtime at batch 1 and batch 256.',
    arguments: [
      {
        key: 'paths',
        name: 'paths',
        description: 'Model folders or model.json files; a folder of model folders counts as each.',
        variadic: true,
        required: true,
        schema: z.array(z.string().min(1)).min(1),
      },
    ],
    options: [
      {
        key: 'latency',
        flags: '--no-latency',
        description: 'Skip the latency measurement.',
        schema: booleanValue,
        defaultValue: true,
      },
      teacherOutputOption,
      runtimeOption,
      jsonOption,
    ],
    examples: ['kd inspect teachers run/student'],
  },
  {
    name: 'export',
    summary: 'Export the student alone, optionally quantised, for tf.loadLayersModel.',
    description:
      "Writes the model (tfjs layers format) and its preprocessing.json to --out. With --quantize the weights are stored as float16 or uint8 (affine per weight tensor; tfjs dequantises on load). When the model sits in a kd run folder, the accuracy and AUC change caused by quantisation is measured on that run's test split, printed, and recorded in the run's metrics.json.",
    options: [
      {
        key: 'model',
        flags: '--model <dir>',
        description: 'The model folder, e.g. run/student.',
        schema: z.string().min(1),
        required: true,
      },
      out('the exported model'),
      {
        key: 'quantize',
        flags: '--quantize <dtype>',
        description: 'Store weights as float16 (half the bytes) or uint8 (a quarter).',
        schema: z.enum(QUANTIZE_DTYPES),
        choices: QUANTIZE_DTYPES,
      },
      runtimeOption,
      jsonOption,
    ],
    examples: ['kd export --model run/student --out web-model --quantize uint8'],
  },
];

/** Options every command takes besides its own. */
export const GLOBAL_OPTIONS: OptionDef[] = [
  {
    key: 'config',
    flags: '--config <file>',
    description: 'JSON config file with option values (default: kd.config.json in the working folder, if any).',
    schema: z.string().min(1),
  },
];

/** The definition of a command by name. */
export function commandDef(name: string): CommandDef {
  const def = COMMANDS.find((c) => c.name === name);
  if (!def) throw new Error(`No kd command "${name}".`);
  return def;
}
