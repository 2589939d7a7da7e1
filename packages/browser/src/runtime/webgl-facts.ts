import * as tf from '@tensorflow/tfjs-core';

/** What the browser's WebGL can do, as tfjs-backend-webgl detected it. */
export interface WebGLFacts {
  /** 2 for WebGL2, 1 for WebGL1, 0 when no WebGL context could be created. */
  version: 0 | 1 | 2;
  /** Whether textures hold float32 (tfjs then computes in float32). */
  renderFloat32: boolean;
  /** Whether the WebGL canvas is an `OffscreenCanvas` (always so in a worker). */
  offscreen: boolean;
}

/**
 * Reads tfjs's WebGL flags (valid once `@tensorflow/tfjs-backend-webgl` has been imported) and,
 * when the webgl backend is active, the canvas it draws on.
 */
export function readWebGLFacts(): WebGLFacts {
  // Outside browsers and workers tfjs registers no WebGL backend, and probing would only log errors.
  const version = tf.findBackendFactory('webgl') ? flag(() => tf.env().getNumber('WEBGL_VERSION'), 0) : 0;
  return {
    version: version === 2 ? 2 : version === 1 ? 1 : 0,
    renderFloat32: version > 0 && flag(() => tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED'), false),
    offscreen: version > 0 && activeCanvasIsOffscreen(),
  };
}

function activeCanvasIsOffscreen(): boolean {
  if (typeof OffscreenCanvas === 'undefined' || tf.getBackend() !== 'webgl') return false;
  const gl = (tf.backend() as { gpgpu?: { gl?: { canvas?: unknown } } }).gpgpu?.gl;
  return gl?.canvas instanceof OffscreenCanvas;
}

function flag<T>(read: () => T, otherwise: T): T {
  try {
    return read();
  } catch {
    // The flag is not registered (the webgl package was not imported) or probing WebGL threw.
    return otherwise;
  }
}
