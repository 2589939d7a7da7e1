import { KdError, type OutputKind } from '@kd/core';
import { loadModel, modelLocations } from '../models/load-model.js';
import { modelStats, type ModelStats } from '../models/model-stats.js';
import type { OnEvent } from '../output/events.js';
import { startRuntime, type RuntimeName } from './runtimes.js';

/** Options of {@link runInspect}: the arguments and flags of `kd inspect`. */
export interface InspectRunOptions {
  /** Model folders or model.json files; a folder of model folders counts as each. */
  paths: string[];
  /** Measure latency (default true). */
  latency?: boolean;
  teacherOutput?: OutputKind;
  runtime?: RuntimeName;
  onEvent?: OnEvent;
}

/** One inspected model. */
export interface InspectedModel extends ModelStats {
  name: string;
  source: string;
  kind: 'layers' | 'graph';
}

/**
 * `kd inspect` as a function: parameters, stored weight bytes, FLOPs per sample and latency per
 * sample (batch 1 and 256, on the chosen runtime) of each model.
 *
 * @example
 * ```ts
 * import { runInspect } from '@kd/cli';
 * const { models } = await runInspect({ paths: ['teachers', 'run/student'], runtime: 'wasm' });
 * ```
 */
export async function runInspect(options: InspectRunOptions): Promise<{ runtime: string; models: InspectedModel[] }> {
  if (!options.paths || options.paths.length === 0)
    throw new KdError('KD_INVALID_ARGUMENT', 'Name at least one model folder or model.json to inspect.');
  const locations = options.paths.flatMap((p) => modelLocations(p));
  const runtime = await startRuntime(options.runtime ?? 'wasm');
  const models: InspectedModel[] = [];
  for (const location of locations) {
    const loaded = await loadModel(location, {
      graphOutput: options.teacherOutput ?? 'probabilities',
    });
    try {
      const stats = await modelStats(loaded, { latency: options.latency ?? true });
      models.push({ name: displayName(location), source: location, kind: loaded.kind, ...stats });
    } finally {
      loaded.model.dispose();
    }
  }
  return { runtime: runtime.name, models };
}

function displayName(location: string): string {
  const parts = location.split(/[\\/]/);
  return parts.length >= 2 ? parts[parts.length - 2]! : location;
}
