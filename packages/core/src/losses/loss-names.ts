import type { OutputKind } from './types.js';

/**
 * The distillation losses by name, as {@link checkLossInputs} takes them:
 * `'binary'` is `binaryDistillationLoss`, `'binaryFromLogits'` is
 * `binaryDistillationLossFromLogits`, `'softmax'` is `softmaxDistillationLoss`.
 */
export type DistillationLossName = 'binary' | 'binaryFromLogits' | 'softmax';

export const DISTILLATION_LOSS_NAMES: readonly DistillationLossName[] = ['binary', 'binaryFromLogits', 'softmax'];

/**
 * What the student output of each loss holds. The teacher defaults to the same kind as the
 * student, so that the common case (both models end in the same layer) needs no option.
 */
export const STUDENT_KIND: Readonly<Record<DistillationLossName, OutputKind>> = {
  binary: 'probabilities',
  binaryFromLogits: 'logits',
  softmax: 'logits',
};
