/**
 * Whether a model output holds logits (pre-activation scores) or probabilities.
 *
 * It lives below losses, teachers, students and the trainer because all four speak of it.
 */
export type OutputKind = 'logits' | 'probabilities';
