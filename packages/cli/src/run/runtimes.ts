import type { KdRuntime } from '@kd/core';

export type RuntimeName = 'wasm' | 'cpu' | 'node';

/** The runtime a `--runtime` name stands for, brought up; each package is imported only when chosen. */
export async function startRuntime(name: RuntimeName): Promise<KdRuntime> {
  const runtime =
    name === 'wasm'
      ? (await import('@kd/wasm')).wasmRuntime()
      : name === 'cpu'
        ? (await import('@kd/core/cpu')).cpuRuntime()
        : (await import('@kd/node')).nodeRuntime();
  await runtime.init();
  return runtime;
}
