import { searchAlpha, type SearchAlphaOptions, type SearchAlphaResult } from './search-alpha.js';

/** The temperatures {@link searchDistillation} tries when none are given. */
export const DEFAULT_SEARCH_TEMPERATURES: readonly number[] = [1, 2, 4, 8];

/**
 * The joint α × T search: {@link searchAlpha} with a temperature grid by default
 * ({@link DEFAULT_SEARCH_TEMPERATURES}) rather than T = 1 alone. At T = 1 a teacher that fits its
 * training rows gives targets close to the labels; a higher T is often where its extra knowledge
 * shows, so search both together rather than α first and T after.
 *
 * @example
 * ```ts
 * const { best } = await searchDistillation({
 *   runtime, teacher: ensemble(teachers), data, validation,
 *   makeStudent: (seed) => makeTinyMlp(seed), alphas: [0, 0.5, 1], seeds: [0, 1, 2], epochs: 5,
 * });
 * console.log(`α = ${best.alpha}, T = ${best.temperature}`);
 * ```
 */
export function searchDistillation(options: SearchAlphaOptions): Promise<SearchAlphaResult> {
  return searchAlpha({ ...options, temperatures: options.temperatures ?? [...DEFAULT_SEARCH_TEMPERATURES] });
}
