import * as tf from '@tensorflow/tfjs-core';

/** Where the runtime runs, decided at run time so one bundle serves Node and browsers. */
export function runtimePlatform(): 'node' | 'browser' {
  return tf.env().getBool('IS_NODE') ? 'node' : 'browser';
}

/** Whether the page may use SharedArrayBuffer threads (COOP + COEP headers); false in Node. */
export function isCrossOriginIsolated(): boolean {
  return (
    runtimePlatform() === 'browser' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true
  );
}

/**
 * Yields to the event loop between training steps: `setImmediate` where it exists (Node; no
 * 1 ms timer clamp), a message round-trip in browsers (no 4 ms clamp of nested timeouts).
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown; MessageChannel?: typeof MessageChannel };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return new Promise((resolve) => void setImmediate(resolve));
  }
  if (typeof g.MessageChannel === 'function') {
    const channel = new g.MessageChannel();
    return new Promise((resolve) => {
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
