/** The text snapshot of a package's entry points and each entry's runtime (value) export names. */
export interface PublicApiDescription {
  /** `# entry` headings, then one sorted `kind name` line per export. */
  report: string;
  /** Per entry, the names that exist at run time (functions, classes, constants), sorted. */
  values: Record<string, string[]>;
}

/**
 * Describes the exports of each entry point (import specifier → entry file), read with the
 * compiler options of `tsconfig`.
 *
 * @example
 * ```ts
 * const { report } = describePublicApi({ '@kd/core': 'src/index.ts' }, { tsconfig: 'tsconfig.json' });
 * await expect(report).toMatchFileSnapshot('./public-api.txt');
 * ```
 */
export declare function describePublicApi(
  entries: Record<string, string>,
  options: { tsconfig: string },
): PublicApiDescription;
