import { KdError } from '@kd/core';

/** The parts of `@tensorflow/tfjs-node` the runtime reads. */
export interface TfjsNodeModule {
  version: Record<string, string>;
  backend(): unknown;
}

const PROVISION_HINT =
  'Its native addon is missing or does not load. Build it from a TensorFlow wheel ' +
  '(no Google storage needed) with `npx kd-node provision`, then run `npx kd-node check`.';

/**
 * Imports `@tensorflow/tfjs-node` on first use, which registers the `tensorflow` backend. The
 * import happens here rather than at module load so that importing `@kd/node` costs nothing and
 * a missing addon surfaces as a {@link KdError} from `init()`.
 */
export async function loadTfjsNode(): Promise<TfjsNodeModule> {
  try {
    const mod = (await import('@tensorflow/tfjs-node')) as unknown as TfjsNodeModule & { default?: TfjsNodeModule };
    return typeof mod.backend === 'function' ? mod : (mod.default as TfjsNodeModule);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new KdError(
      'KD_BACKEND_UNAVAILABLE',
      `@tensorflow/tfjs-node could not be loaded (${why}). ${PROVISION_HINT}`,
      { backend: 'tensorflow', package: '@tensorflow/tfjs-node' },
      { cause },
    );
  }
}

/** The TensorFlow C library version the addon runs on, as the addon reports it. */
export function nativeTensorFlowVersion(tfn: TfjsNodeModule): string | undefined {
  const backend = tfn.backend() as { binding?: { TF_Version?: string } };
  return backend.binding?.TF_Version;
}
