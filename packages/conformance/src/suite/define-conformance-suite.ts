import { KdError, type KdRuntime, type RuntimeInfo } from '@kd/core';
import { afterAll, beforeAll, describe } from 'vitest';
import { storeNonFiniteValues, type CorruptCacheEntry } from '../checks/teacher-cache-corruption.js';
import { worstOf, type Difference } from '../reference/compare.js';
import { tolerancesFor, type ToleranceSet } from '../reference/tolerance.js';
import type { SuiteContext } from './context.js';
import { errorTests } from './error-tests.js';
import { fixtureTests } from './fixture-tests.js';
import { hygieneTests } from './hygiene-tests.js';
import { ioTests } from './io-tests.js';
import { regeneratingReference } from './regenerate.js';
import { runtimeContractTests } from './runtime-contract-tests.js';
import { trainingTests } from './training-tests.js';

/** Options of `defineConformanceSuite` (from `@kd/conformance/vitest`). */
export interface ConformanceSuiteOptions {
  /** Shown in test names and the summary, e.g. `wasm-chromium`. */
  name: string;
  /** Makes the runtime under test; the suite calls `init()` once before any test. */
  createRuntime: () => KdRuntime | Promise<KdRuntime>;
  /** Tolerances for the backend's float precision; default {@link tolerancesFor}. */
  tolerances?: (floatPrecision: 16 | 32) => ToleranceSet;
  /** Time allowed for `init()` (loading wasm, compiling shaders); default 120 s. */
  initTimeoutMs?: number;
  /**
   * Damages the stored form of one `runtime.cache` entry, as disk damage or a buggy writer would
   * (flip a byte of its file, rewrite its IndexedDB record); the suite then checks that the entry
   * is rebuilt. Default: overwrite it through `cache.set` with NaN and ±Infinity, which suits an
   * in-memory cache (it has no stored form to damage).
   */
  corruptCacheEntry?: CorruptCacheEntry;
}

/** How the suite is registered: inside this repository it may also record the reference. */
export interface SuiteRegistration {
  /** Whether `REGENERATE=1` on cpu rewrites fixtures/trajectories.json (only from this repository's sources). */
  mayRegenerate: boolean;
}

/**
 * Registers the whole conformance suite (vitest `describe`/`it`) for one runtime. Each runtime
 * project's test file is this one call; a runtime that cannot start fails every test.
 *
 * @example
 * ```ts
 * import { wasmRuntime } from '@kd/wasm';
 * import { registerConformanceSuite } from './define-conformance-suite.js';
 * registerConformanceSuite({ name: 'wasm-node', createRuntime: () => wasmRuntime() }, { mayRegenerate: false });
 * ```
 */
export function registerConformanceSuite(options: ConformanceSuiteOptions, registration: SuiteRegistration): void {
  let runtime: KdRuntime | undefined;
  let info: RuntimeInfo | undefined;
  let tolerances: ToleranceSet | undefined;
  const summary = new Map<string, Difference>();
  // Every test fails with this when init() failed, so a runtime that cannot start fails the run.
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new KdError(
        'KD_RUNTIME_NOT_INITIALIZED',
        `Runtime "${options.name}" did not start; see the error of the suite's beforeAll.`,
        { runtime: options.name },
      );
    return value;
  };

  const ctx: SuiteContext = {
    name: options.name,
    runtime: () => ready(runtime),
    info: () => ready(info),
    tolerances: () => ready(tolerances),
    regenerating: () => registration.mayRegenerate && regeneratingReference(ready(info)),
    corruptCacheEntry: options.corruptCacheEntry ?? storeNonFiniteValues,
    record: (group, d) => void summary.set(group, worstOf(summary.get(group), d)),
  };

  describe(`kd conformance: ${options.name}`, () => {
    beforeAll(async () => {
      runtime = await options.createRuntime();
      info = await runtime.init();
      tolerances = (options.tolerances ?? tolerancesFor)(info.floatPrecision);
    }, options.initTimeoutMs ?? 120_000);

    afterAll(() => {
      if (!info || summary.size === 0) return;
      const lines = [...summary].map(
        ([group, d]) =>
          `  ${group.padEnd(22)} max |Δ| ${d.maxAbs.toExponential(2)}  max rel ${d.maxRel.toExponential(2)}`,
      );
      console.info(
        `[conformance] ${options.name} (backend ${info.backend}, float${info.floatPrecision}) measured differences:\n${lines.join('\n')}`,
      );
    });

    fixtureTests(ctx);
    trainingTests(ctx);
    ioTests(ctx);
    runtimeContractTests(ctx);
    hygieneTests(ctx);
    errorTests(ctx);
  });
}
