import { KdError } from '../errors/kd-error.js';
import { requireWholeNumber } from '../values/index.js';

/**
 * Successive halving for {@link searchAlpha}: every setting trains `minEpochs` epochs, the best
 * 1/`eta` of them (by the search's validation metric, mean over seeds) go on to `minEpochs·eta`
 * epochs, the best 1/`eta` of those to `minEpochs·eta²`, and so on up to `epochs`. A run that goes
 * on continues where it stopped. The chosen setting is one that trained all `epochs`.
 */
export interface SuccessiveHalvingOptions {
  /** At each rung the best ⌊n / eta⌋ of the n settings (at least one) go on: a whole number ≥ 2 (default 3). */
  eta?: number;
  /** Epochs every setting trains before the first cut: a whole number in [1, epochs] (default 1). */
  minEpochs?: number;
}

/** One rung of successive halving, as the search ran it. */
export interface HalvingRung {
  /** Epochs every setting of this rung had trained when the rung was judged. */
  epochs: number;
  /** Settings that trained up to this rung. */
  settings: number;
  /** Settings that went on to the next rung (all of them on the last rung). */
  kept: number;
}

/** What {@link searchAlpha} reports of successive halving (`result.halving`). */
export interface SearchHalving {
  eta: number;
  minEpochs: number;
  rungs: HalvingRung[];
  /** Epochs trained, summed over every run of the search. */
  epochsTrained: number;
}

/** Successive halving's options checked against `epochs`, with each rung's epochs. */
export interface ResolvedHalving {
  eta: number;
  minEpochs: number;
  /** Epochs each rung trains to: minEpochs·eta^r, the last one `epochs`. */
  rungEpochs: number[];
}

/** Checks {@link SuccessiveHalvingOptions} before anything trains. */
export function resolveHalving(options: SuccessiveHalvingOptions | undefined, epochs: number): ResolvedHalving {
  if (typeof options !== 'object' || options === null)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `successiveHalving must be an object such as { eta: 3, minEpochs: 1 }; got ${JSON.stringify(options)}.`,
    );
  const where = 'searchAlpha successiveHalving';
  const eta = requireWholeNumber('eta', options.eta ?? 3, { min: 2, where });
  const minEpochs = requireWholeNumber('minEpochs', options.minEpochs ?? 1, {
    min: 1,
    max: epochs,
    where,
    hint: `The first rung cannot train more than the search's ${epochs} epochs.`,
  });
  return { eta, minEpochs, rungEpochs: rungEpochs(epochs, eta, minEpochs) };
}

/** The epochs of each rung: minEpochs, minEpochs·eta, … while below `epochs`, then `epochs`. */
export function rungEpochs(epochs: number, eta: number, minEpochs: number): number[] {
  const rungs: number[] = [];
  for (let e = minEpochs; e < epochs; e *= eta) rungs.push(e);
  rungs.push(epochs);
  return rungs;
}

/**
 * Runs the rungs: `trainTo(live, epochs)` trains every run of the live settings (indices) up to
 * `epochs` epochs and returns each one's score (NaN when it has none); after each rung but the
 * last, the best ⌊n / eta⌋ (at least one) go on, ties to the earlier setting. `ended` hears of
 * the settings that stop after each rung: the dropped ones, and on the last rung those that
 * trained to the end. Returns the rung each setting was dropped at (undefined for those that
 * trained to the end) and the rungs.
 */
export async function runHalving(
  settings: number,
  halving: ResolvedHalving,
  mode: 'min' | 'max',
  trainTo: (live: number[], epochs: number) => Promise<number[]>,
  ended?: (settings: number[], rung: number, dropped: boolean) => Promise<void>,
): Promise<{ droppedAt: Array<number | undefined>; rungs: HalvingRung[] }> {
  let live = Array.from({ length: settings }, (_, i) => i);
  const droppedAt: Array<number | undefined> = live.map(() => undefined);
  const rungs: HalvingRung[] = [];
  for (const [rung, epochs] of halving.rungEpochs.entries()) {
    const scores = await trainTo(live, epochs);
    const last = rung === halving.rungEpochs.length - 1;
    const keep = last ? live.length : Math.max(1, Math.floor(live.length / halving.eta));
    const order = live.map((s, i) => ({ s, score: scores[i]! })).sort((a, b) => compare(a.score, b.score, mode));
    const kept = new Set(order.slice(0, keep).map((o) => o.s));
    const dropped = live.filter((s) => !kept.has(s));
    for (const s of dropped) droppedAt[s] = rung;
    rungs.push({ epochs, settings: live.length, kept: keep });
    await ended?.(last ? live : dropped, rung, !last);
    live = live.filter((s) => kept.has(s));
  }
  return { droppedAt, rungs };
}

/** Better scores first; NaN last. Array.prototype.sort is stable, so ties keep the settings' order. */
function compare(a: number, b: number, mode: 'min' | 'max'): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
  return mode === 'max' ? b - a : a - b;
}

/** A setting's score at a rung: the mean of its runs' finite values (NaN when none has one). */
export function settingScore(values: number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
}
