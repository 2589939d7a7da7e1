/**
 * Stable error codes. A code never changes meaning once released; new codes may be added.
 */
export const KD_ERROR_CODES = [
  'KD_SHAPE_MISMATCH',
  'KD_ALPHA_RANGE',
  'KD_TEMPERATURE_RANGE',
  'KD_LABEL_RANGE',
  'KD_PROBABILITY_RANGE',
  'KD_NON_FINITE',
  'KD_SINGLE_UNIT_SOFTMAX',
  'KD_INVALID_ARGUMENT',
  'KD_CONFIG_INVALID',
  'KD_SCHEDULE_INVALID',
  'KD_TEACHER_INVALID',
  'KD_STUDENT_INVALID',
  'KD_ENSEMBLE_INVALID',
  'KD_DATA_INVALID',
  'KD_INPUT_TOO_LARGE',
  'KD_METRIC_UNKNOWN',
  'KD_KERNEL_MISSING',
  'KD_BACKEND_UNAVAILABLE',
  'KD_RUNTIME_NOT_INITIALIZED',
  'KD_SYNC_READ',
  'KD_WORKER_FAILED',
  'KD_MODEL_NOT_FOUND',
  'KD_MODEL_INVALID',
  'KD_TARGET_EXISTS',
  'KD_MODEL_BUSY',
  'KD_OUTPUT_NOT_EMPTY',
  'KD_TRAINING_DIVERGED',
  'KD_STUDENT_SATURATED',
  'KD_CHECKPOINT_MISMATCH',
  'KD_CHECKPOINT_CORRUPT',
  'KD_PROVISION_FAILED',
] as const;

/** One of {@link KD_ERROR_CODES}. */
export type KdErrorCode = (typeof KD_ERROR_CODES)[number];

/**
 * The one error type kd raises for bad input or an unusable environment.
 *
 * `code` is stable and meant for programs; `message` is for people and says what was wrong,
 * what was expected and how to fix it.
 *
 * @example
 * ```ts
 * try {
 *   binaryDistillationLoss({ yTrue, teacher, student, alpha: 1.5 });
 * } catch (e) {
 *   if (e instanceof KdError && e.code === 'KD_ALPHA_RANGE') console.error(e.message);
 * }
 * ```
 */
export class KdError extends Error {
  override readonly name = 'KdError';
  readonly code: KdErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: KdErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}

/** True when `e` is a {@link KdError}, optionally with the given code. Works across bundled copies. */
export function isKdError(e: unknown, code?: KdErrorCode): e is KdError {
  const ok =
    e instanceof Error &&
    (e as { name?: string }).name === 'KdError' &&
    typeof (e as { code?: unknown }).code === 'string';
  return ok && (code === undefined || (e as KdError).code === code);
}
