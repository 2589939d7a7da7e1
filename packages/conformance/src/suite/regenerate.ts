import * as tf from '@tensorflow/tfjs-core';
import type { RuntimeInfo } from '@kd/core';
import type { TrajectoryFile, TrajectoryRecord } from '../fixtures/types.js';

interface NodeProcess {
  env: Record<string, string | undefined>;
  versions?: { node?: string };
}

function nodeProcess(): NodeProcess | undefined {
  const p = (globalThis as { process?: NodeProcess }).process;
  return p?.versions?.node ? p : undefined;
}

/**
 * Whether this run records new reference trajectories: only the cpu backend, in Node, with
 * `REGENERATE=1` (e.g. `REGENERATE=1 npx vitest run --project cpu`).
 */
export function regeneratingReference(info: RuntimeInfo): boolean {
  return info.backend === 'cpu' && nodeProcess()?.env.REGENERATE === '1';
}

/** Writes fixtures/trajectories.json (Node only; reached only when {@link regeneratingReference}). */
export async function writeTrajectoryFixtures(trajectories: Record<string, TrajectoryRecord>): Promise<string> {
  const { writeFile } = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  const path = fileURLToPath(new URL('../../fixtures/trajectories.json', import.meta.url));
  const file: TrajectoryFile = {
    generatedBy: 'REGENERATE=1 npx vitest run --project cpu (packages/conformance)',
    tfjs: tf.version_core,
    trajectories,
  };
  await writeFile(path, `${JSON.stringify(file, null, 1)}\n`);
  return path;
}
