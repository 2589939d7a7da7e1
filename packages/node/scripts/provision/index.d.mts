/** Where provisioning takes libtensorflow from, as understood before anything is fetched. */
export type ProvisionSource =
  { kind: 'pypi'; package: string; version: string } | { kind: 'url'; url: string } | { kind: 'path'; path: string };

export interface ProvisionOptions {
  /** A folder, .tar.gz, .whl, or http(s) URL of libtensorflow. Default: the PyPI wheel. */
  libtensorflow?: string;
  /** TensorFlow wheel version (default {@link DEFAULT_TF_VERSION}). */
  tfVersion?: string;
  /** PyPI project of the wheel (default {@link DEFAULT_TF_PACKAGE}). */
  tfPackage?: string;
  /** Python tag of the wheel asked of pip (default {@link DEFAULT_WHEEL_PYTHON}). */
  wheelPython?: string;
  /** Python that runs pip (default `$PYTHON` or `python3`). */
  python?: string;
  /** Download cache (default {@link defaultCacheDir}). */
  cacheDir?: string;
  /** Prefix holding `include/node` (default: next to the running `node`). */
  nodedir?: string;
  /** Project whose `@tensorflow/tfjs-node` to provision (default: the current folder). */
  projectDir?: string;
  /** Restage and rebuild even when tfjs-node already works. */
  force?: boolean;
  /** Print only the result. */
  quiet?: boolean;
  /** Where progress goes (default stdout). */
  stream?: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
}

/** What a child process found when it loaded tfjs-node. */
export interface TfjsNodeCheck {
  ok: boolean;
  stage?: 'load' | 'compute' | 'crash';
  error?: string;
  backend?: string;
  tfVersion?: string;
  tfjsVersion?: string;
  matMul?: number[];
  gradient?: number[];
  fit?: { first: number; last: number };
}

export interface ProvisionResult {
  status: 'already-working' | 'provisioned';
  tfVersion?: string;
  tfjsNodeDir: string;
  addonPath?: string;
  /** Seconds per step (`check`, `download`, `unpack`, `compile`, `verify`). */
  timings: Record<string, number>;
  binaries?: { skipped?: string; needed?: string[]; runpath?: string; pythonSymbols?: Record<string, string[]> };
  check?: TfjsNodeCheck;
}

export declare const DEFAULT_TF_VERSION: string;
export declare const DEFAULT_TF_PACKAGE: string;
export declare const DEFAULT_WHEEL_PYTHON: string;

/** Error with code `KD_PROVISION_FAILED`; recognised by `isKdError`. */
export declare class ProvisionError extends Error {
  readonly code: 'KD_PROVISION_FAILED';
  readonly details: Record<string, unknown>;
  constructor(message: string, details?: Record<string, unknown>, options?: { cause?: unknown });
}

export declare function provisionTfjsNode(options?: ProvisionOptions): Promise<ProvisionResult>;
export declare function checkTfjsNode(
  tfjsNodeDir: string,
  options?: { full?: boolean; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<TfjsNodeCheck>;
export declare function locateTfjsNode(projectDir?: string): { dir: string; version: string };
export declare function describeInstall(
  projectDir?: string,
): Promise<{ dir: string; version: string; addonPath: string; addonExists: boolean; staged?: Record<string, unknown> }>;
export declare function defaultCacheDir(env?: NodeJS.ProcessEnv): string;
