/**
 * Codes of the warnings kd gives about a run. Like error codes, a code never changes meaning once
 * released. kd prints none of them itself: they reach `onWarning` callbacks and
 * `DistillResult.warnings` (and the progress display, when asked for).
 */
export const KD_WARNING_CODES = ['KD_SOFT_TARGETS_NEARLY_LABELS'] as const;

/** One of {@link KD_WARNING_CODES}. */
export type KdWarningCode = (typeof KD_WARNING_CODES)[number];

/**
 * A warning about a run: something that does not stop it but likely makes it worth less.
 *
 * @example
 * ```ts
 * await distill({ ...options, callbacks: { onWarning: (w) => console.warn(w.code, w.message) } });
 * ```
 */
export interface KdWarning {
  code: KdWarningCode;
  /** For people: what was found and what to try. */
  message: string;
  /** The values involved. */
  details: Readonly<Record<string, unknown>>;
}
