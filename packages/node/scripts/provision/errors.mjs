/**
 * The error provisioning raises. It has the same shape as `KdError` from `@kd/core`
 * (`name === 'KdError'`, a stable `code`, `details`), so `isKdError(e, 'KD_PROVISION_FAILED')`
 * recognises it; it is defined here because provisioning runs before any package is built.
 */
export class ProvisionError extends Error {
  /**
   * @param {string} message what failed, what was expected and how to fix it
   * @param {Record<string, unknown>} [details] machine-readable facts (`step`, paths, versions)
   * @param {{ cause?: unknown }} [options]
   */
  constructor(message, details = {}, options) {
    super(message, options);
    this.name = 'KdError';
    /** @type {'KD_PROVISION_FAILED'} */
    this.code = 'KD_PROVISION_FAILED';
    this.details = details;
  }
}

/** The last `count` non-empty lines of a process's output, for error messages. */
export function lastLines(text, count = 20) {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .slice(-count)
    .join('\n');
}
