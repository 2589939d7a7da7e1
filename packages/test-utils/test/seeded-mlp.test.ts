import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { seededMlp } from '../src/seeded-mlp.js';

describe('seededMlp', () => {
  it('seeds layer i with seed + i·seedStep and uses the given activations', () => {
    const model = seededMlp({ units: [3, 4, 2], seed: 5, seedStep: 10, output: 'softmax' });
    const layers = model.layers.map((l) => l.getConfig());
    expect(layers.map((l) => l.units)).toEqual([4, 2]);
    expect(layers.map((l) => l.activation)).toEqual(['relu', 'softmax']);
    expect(layers.map((l) => (l.kernelInitializer as { config: { seed: number } }).config.seed)).toEqual([5, 15]);
    model.dispose();
  });
});
