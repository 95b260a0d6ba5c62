import type { AttentionShape } from './shape';

/** Query, key and value tensors in PyTorch's [B, H, S, D] layout, row-major. */
export interface AttentionInputs {
  /** [B, H, Q, D] */
  q: Float32Array;
  /** [B, HKV, KV, D] */
  k: Float32Array;
  /** [B, HKV, KV, DV] */
  v: Float32Array;
}

/** What flex attention's forward pass returns. */
export interface AttentionOutputs {
  /** [B, H, Q, DV] */
  out: Float32Array | Float64Array;
  /** [B, H, Q], natural log; -Infinity for a row with no allowed key. */
  lse: Float32Array | Float64Array;
}

/** The three inputs of attention. */
export type InputName = 'q' | 'k' | 'v';
export const INPUT_NAMES: readonly InputName[] = ['q', 'k', 'v'];

/** The sizes of one input in PyTorch's [B, H, S, D] layout. */
export interface InputDims {
  B: number;
  H: number;
  S: number;
  D: number;
}

/** The sizes that decide the inputs' shapes. */
export type InputSizes = Pick<AttentionShape, 'B' | 'H' | 'HKV' | 'Q' | 'KV' | 'D' | 'DV'>;

/** q has H heads over Q tokens; k and v have HKV heads over KV tokens, of widths D and DV. */
export function inputDims(input: InputName, shape: InputSizes): InputDims {
  if (input === 'q') return { B: shape.B, H: shape.H, S: shape.Q, D: shape.D };
  return { B: shape.B, H: shape.HKV, S: shape.KV, D: input === 'k' ? shape.D : shape.DV };
}

/** Elements of one input. */
export function inputLength(input: InputName, shape: InputSizes): number {
  const { B, H, S, D } = inputDims(input, shape);
  return B * H * S * D;
}

const F32_BYTES = 4;

/**
 * Bytes of the float32 arrays the named inputs take (all three by default), from the sizes alone:
 * the memory budget and the upload check size inputs with this one function, so they agree.
 */
export function inputBytes(shape: InputSizes, inputs: readonly InputName[] = INPUT_NAMES): number {
  return inputs.reduce((total, input) => total + inputLength(input, shape) * F32_BYTES, 0);
}
