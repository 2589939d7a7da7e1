/**
 * Where checked values come from, for messages and error details: `name` is how the message shows
 * the array (`yTrue`, `` `p` ``, `data batch 3.y`), `where` an optional prefix naming the function
 * that checked it, `argument` the key in `details.argument` (default `name`).
 */
export interface ValueSource {
  name: string;
  where?: string;
  argument?: string;
}

/** The values a rule reads: a typed array or a plain array of numbers. */
export type Values = ArrayLike<number>;

/** `"where: name"` or just `"name"`. */
export function lead(source: ValueSource): string {
  return source.where === undefined ? source.name : `${source.where}: ${source.name}`;
}

/** The details every value error carries, so programs can find the offending entry. */
export function detailsAt(source: ValueSource, index: number, extra: Record<string, unknown>): Record<string, unknown> {
  return { argument: source.argument ?? source.name, index, ...extra };
}
