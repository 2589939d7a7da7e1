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
