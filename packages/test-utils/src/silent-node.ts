import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/**
 * The one check that a package prints nothing it was not asked to: `script` (an ES module's
 * source) runs in a fresh Node process started in `cwd`, so its imports resolve as a user's
 * would, and must exit with 0 having written nothing to stdout or stderr.
 *
 * @example
 * ```ts
 * it('prints nothing on import', () => {
 *   expectSilentNodeScript(`await import('@kd/core');`, new URL('..', import.meta.url));
 * });
 * ```
 */
export function expectSilentNodeScript(script: string, cwd: string | URL, timeoutMs = 60_000): void {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: cwd instanceof URL ? fileURLToPath(cwd) : cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toBe('');
  expect(run.stderr).toBe('');
}
