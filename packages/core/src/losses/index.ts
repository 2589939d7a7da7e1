export type { LossParts, LossReduction, LossValue, OutputKind, DistillationLossOptions } from './types.js';
export type { DistillationLossName } from './loss-names.js';
export { PROBABILITY_EPSILON } from './elementwise-losses.js';
export { binaryDistillationLoss, type BinaryDistillationLossArgs } from './binary-distillation-loss.js';
export {
  binaryDistillationLossFromLogits,
  type BinaryDistillationLossFromLogitsArgs,
} from './binary-distillation-loss-from-logits.js';
export { softmaxDistillationLoss, type SoftmaxDistillationLossArgs } from './softmax-distillation-loss.js';
export { checkLossInputs, type CheckLossInputsArgs } from './check-loss-inputs.js';
