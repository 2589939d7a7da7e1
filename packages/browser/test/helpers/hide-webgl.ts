type GetContext = (this: unknown, type: string, ...rest: unknown[]) => unknown;

/**
 * Makes every canvas refuse WebGL contexts, as a browser with WebGL turned off does. Must run
 * before tfjs first probes WebGL (the test file's page is fresh).
 */
export function hideWebGL(): void {
  for (const proto of [
    HTMLCanvasElement.prototype,
    typeof OffscreenCanvas === 'undefined' ? undefined : OffscreenCanvas.prototype,
  ]) {
    if (!proto) continue;
    const original = proto.getContext as unknown as GetContext;
    (proto as unknown as { getContext: GetContext }).getContext = function (type: string, ...rest: unknown[]) {
      return /webgl/i.test(type) ? null : original.call(this, type, ...rest);
    };
  }
}
