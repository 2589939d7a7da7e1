/** Thrown inside a run when its signal fires before training starts; the run then resolves with `aborted: true`. */
export class RunAborted extends Error {
  override readonly name = 'RunAborted';
}

/** Stops preparation at this point when the run's signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RunAborted('aborted before training started');
}
