type Resume = () => void;

let channel: MessageChannel | undefined;
const waiting: Resume[] = [];

/**
 * Resolves after one trip through the event loop, so input, timers and rendering queued before
 * it get their turn. A `MessageChannel` task is used because `setTimeout(0)` is clamped to 4 ms
 * after a few nested calls and throttled in background tabs, and `requestAnimationFrame` stops
 * firing altogether in a hidden tab (training would stall).
 *
 * @example
 * ```ts
 * for (const chunk of chunks) {
 *   work(chunk);
 *   await yieldToBrowser();
 * }
 * ```
 */
export function yieldToBrowser(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  if (!channel) {
    // Created on first use: importing the package must not open channels.
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    channel!.port2.postMessage(undefined);
  });
}
