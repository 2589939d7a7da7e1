/**
 * Kernels a training step runs for each tfjs-layers layer class: the forward kernels and those of
 * their gradients. Used to check a runtime with `hasKernel` before training, so a missing kernel is
 * named up front (the probe step in the trainer catches whatever this table does not list).
 */
export const LAYER_KERNELS: Readonly<Record<string, readonly string[]>> = {
  Dense: ['BatchMatMul'],
  Conv1D: ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'],
  Conv2D: ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'],
  Conv2DTranspose: ['Conv2DBackpropInput', 'Conv2D', 'Conv2DBackpropFilter'],
  DepthwiseConv2D: [
    'DepthwiseConv2dNative',
    'DepthwiseConv2dNativeBackpropInput',
    'DepthwiseConv2dNativeBackpropFilter',
  ],
  SeparableConv2D: [
    'DepthwiseConv2dNative',
    'DepthwiseConv2dNativeBackpropInput',
    'DepthwiseConv2dNativeBackpropFilter',
    'Conv2D',
    'Conv2DBackpropInput',
    'Conv2DBackpropFilter',
  ],
  MaxPooling1D: ['MaxPool', 'MaxPoolGrad'],
  MaxPooling2D: ['MaxPool', 'MaxPoolGrad'],
  AveragePooling1D: ['AvgPool', 'AvgPoolGrad'],
  AveragePooling2D: ['AvgPool', 'AvgPoolGrad'],
  GlobalAveragePooling2D: ['Mean'],
  GlobalMaxPooling2D: ['Max'],
  BatchNormalization: ['FusedBatchNorm'],
  Embedding: ['GatherV2', 'UnsortedSegmentSum'],
};

/** The kernels {@link LAYER_KERNELS} lists for these layer class names, without repeats. */
export function kernelsForLayers(classNames: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const name of classNames) for (const k of LAYER_KERNELS[name] ?? []) out.add(k);
  return [...out];
}
