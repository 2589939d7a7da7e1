import { KdError, type KdRuntime } from '@kd/core';
import type { RuntimeCandidate } from './types.js';

/** The runtime names `runConformance` and the CLI know (`runtimes: ['cpu', 'wasm']`). */
export const KNOWN_RUNTIMES = ['cpu', 'wasm', 'node'] as const;
export type KnownRuntime = (typeof KNOWN_RUNTIMES)[number];

// A specifier in a variable keeps bundlers from inlining optional packages.
const importOptional = (specifier: string): Promise<Record<string, unknown>> =>
  import(specifier) as Promise<Record<string, unknown>>;

async function factory(specifier: string, exportName: string): Promise<(...args: unknown[]) => KdRuntime> {
  const mod = await importOptional(specifier);
  const make = mod[exportName];
  if (typeof make !== 'function')
    throw new KdError(
      'KD_BACKEND_UNAVAILABLE',
      `${specifier} does not export ${exportName}(); is it the kd runtime package, at the version of @kd/conformance?`,
      { package: specifier },
    );
  return make as (...args: unknown[]) => KdRuntime;
}

async function nodeRuntimeInTempFolders(): Promise<KdRuntime> {
  const make = await factory('@kd/node', 'nodeRuntime');
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const root = await mkdtemp(join(tmpdir(), 'kd-conformance-'));
  // Saved models and cached outputs go to a temporary folder, not the user's project.
  return make({ modelDir: join(root, 'models'), cacheDir: join(root, 'cache') });
}

/** The candidate for a known runtime name. */
export function knownCandidate(name: KnownRuntime, required: boolean): RuntimeCandidate {
  if (name === 'cpu') return { name, required, create: async () => (await factory('@kd/core/cpu', 'cpuRuntime'))() };
  if (name === 'wasm') return { name, required, create: async () => (await factory('@kd/wasm', 'wasmRuntime'))() };
  return { name, required, create: nodeRuntimeInTempFolders };
}

/** Whether a package can be imported here (installed and loadable). */
export async function isInstalled(specifier: string): Promise<boolean> {
  try {
    await importOptional(specifier);
    return true;
  } catch {
    return false;
  }
}

/**
 * The runtimes installed here: cpu always (required: it is the reference), wasm and node when
 * `@kd/wasm` / `@kd/node` can be imported (reported as unavailable rather than failed when they
 * cannot start).
 *
 * @example
 * ```ts
 * const names = (await discoverRuntimes()).map((c) => c.name); // e.g. ['cpu', 'wasm']
 * ```
 */
export async function discoverRuntimes(): Promise<RuntimeCandidate[]> {
  const found: RuntimeCandidate[] = [knownCandidate('cpu', true)];
  if (await isInstalled('@kd/wasm')) found.push(knownCandidate('wasm', false));
  if (await isInstalled('@kd/node')) found.push(knownCandidate('node', false));
  return found;
}
