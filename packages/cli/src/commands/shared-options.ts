import { z } from 'zod';
import { booleanValue, intValue, numberValue, type OptionDef } from './option-types.js';

export const RUNTIME_NAMES = ['wasm', 'cpu', 'node'] as const;

const fraction = numberValue((n) => n.min(0).max(0.9));

/** Where the data comes from and how it is split and scaled; the same for every command that reads data. */
export const dataOptions: OptionDef[] = [
  {
    key: 'data',
    flags: '--data <file>',
    description:
      'Training data: a CSV file (header row), JSON lines (.jsonl), an IDX image file (MNIST format) or a folder of class folders of images.',
    schema: z.string().min(1),
    required: true,
  },
  {
    key: 'label',
    flags: '--label <column>',
    description: 'The label: a column name (CSV, JSON lines) or, for IDX images, the IDX label file.',
    schema: z.string().min(1),
  },
  {
    key: 'features',
    flags: '--features <columns>',
    description:
      'Comma-separated feature columns, in order (default: every column but the label; required for JSON lines).',
    schema: z.preprocess(
      (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v),
      z.array(z.string().min(1)).min(1),
    ),
  },
  {
    key: 'classes',
    flags: '--classes <names>',
    description: 'Comma-separated class names in label order, for text labels (e.g. "no,yes").',
    schema: z.preprocess(
      (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v),
      z.array(z.string().min(1)).min(2),
    ),
  },
  {
    key: 'imageSize',
    flags: '--image-size <HxW>',
    // No defaultValue: kd evaluate takes the size from the model's preprocessing.json.
    description:
      'Size every image of an image folder is resized to, e.g. 32x32 (default 32x32, or the size the model was trained on).',
    schema: z.preprocess(
      (v) => (typeof v === 'string' ? v.toLowerCase().split('x').map(Number) : v),
      z.tuple([z.number().int().min(1), z.number().int().min(1)]),
    ),
  },
  {
    key: 'validation',
    flags: '--validation <fraction>',
    description:
      'Share of the rows held out for validation (stratified, seeded by --seed), unless --validation-data is given.',
    schema: fraction,
    defaultValue: 0.2,
  },
  {
    key: 'test',
    flags: '--test <fraction>',
    description:
      'Share of the rows held out for the test split (stratified, seeded by --seed), unless --test-data is given.',
    schema: fraction,
    defaultValue: 0.2,
  },
  {
    key: 'validationData',
    flags: '--validation-data <file>',
    description: 'A separate validation file in the format of --data.',
    schema: z.string().min(1),
  },
  {
    key: 'validationLabel',
    flags: '--validation-label <file>',
    description: 'The IDX label file of --validation-data (IDX only).',
    schema: z.string().min(1),
  },
  {
    key: 'testData',
    flags: '--test-data <file>',
    description: 'A separate test file in the format of --data.',
    schema: z.string().min(1),
  },
  {
    key: 'testLabel',
    flags: '--test-label <file>',
    description: 'The IDX label file of --test-data (IDX only).',
    schema: z.string().min(1),
  },
  {
    key: 'standardize',
    flags: '--standardize',
    description:
      'Standardise each feature with the mean and standard deviation of the training split (saved with the model).',
    schema: booleanValue,
    defaultValue: false,
  },
];

/** Options of every command that trains. */
export const trainingOptions: OptionDef[] = [
  {
    key: 'epochs',
    flags: '--epochs <n>',
    description: 'Passes over the training split.',
    schema: intValue(1),
    defaultValue: 20,
  },
  {
    key: 'earlyStopping',
    flags: '--early-stopping <patience>',
    // No defaultValue: off unless given, so every model trains --epochs.
    description:
      'Early stopping on the validation log-loss (val_loss): each model trained may go this many epochs in a row without a lower val_loss, the next such epoch ends its training, and it keeps the weights of its best validation epoch (default: off).',
    schema: intValue(1),
  },
  {
    key: 'batchSize',
    flags: '--batch-size <n>',
    description: 'Rows per training step.',
    schema: intValue(1),
    defaultValue: 64,
  },
  {
    key: 'learningRate',
    flags: '--learning-rate <lr>',
    description: 'Learning rate of the Adam optimizer.',
    schema: numberValue((n) => n.positive()),
    defaultValue: 0.003,
  },
  {
    key: 'seed',
    flags: '--seed <n>',
    description: 'Seeds the splits, the initial weights and the shuffling; the same seed gives the same run.',
    schema: intValue(0),
    defaultValue: 0,
  },
];

export const runtimeOption: OptionDef = {
  key: 'runtime',
  flags: '--runtime <name>',
  description:
    'Where tensors run: wasm (no setup), cpu (pure JavaScript) or node (native TensorFlow; needs `npx kd-node provision`).',
  schema: z.enum(RUNTIME_NAMES),
  choices: RUNTIME_NAMES,
  defaultValue: 'wasm',
};

export const jsonOption: OptionDef = {
  key: 'json',
  flags: '--json',
  description: 'Print one JSON object per line (progress and result) instead of text, for scripts.',
  schema: booleanValue,
  defaultValue: false,
};

export const teacherOutputOption: OptionDef = {
  key: 'teacherOutput',
  flags: '--teacher-output <kind>',
  description:
    'What graph-model teachers output: logits or probabilities (a converted graph does not say; default probabilities). Layers models say it themselves.',
  schema: z.enum(['logits', 'probabilities']),
  choices: ['logits', 'probabilities'],
};
