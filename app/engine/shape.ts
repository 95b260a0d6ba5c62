import type { Dependence } from '../mask/types';
import type { Scenario } from '../state/scenario';
import type { AttentionShape } from './types';
import type { ViewWindow } from '../../gpu/programTypes';

/** The picture is at most this many cells a side; longer sequences are sampled with a stride. */
export const MAX_VIEW_SIDE = 2048;

export function shapeOf(s: Scenario): AttentionShape {
  return {
    B: s.B,
    H: s.H,
    HKV: s.HKV,
    Q: s.Q,
    KV: s.KV,
    D: s.D,
    DV: s.DV,
    blockQ: s.blockQ,
    blockKV: s.blockKV,
  };
}

/**
 * The BlockMask's own B and H: 1 for an index the mask never reads, as PyTorch users do by hand
 * with `create_block_mask(..., B=None, H=None)`; the kernel broadcasts with `b % B`, `h % H`.
 */
export function maskSizes(shape: AttentionShape, deps: Dependence): { B: number; H: number } {
  return { B: deps.b ? shape.B : 1, H: deps.h ? shape.H : 1 };
}

/** Which cells of (b, h) the picture holds: all of them up to MAX_VIEW_SIDE, else sampled. */
export function viewWindow(shape: AttentionShape, b: number, h: number): ViewWindow {
  const rowStride = Math.ceil(shape.Q / MAX_VIEW_SIDE);
  const colStride = Math.ceil(shape.KV / MAX_VIEW_SIDE);
  return {
    b: Math.min(Math.max(0, b), shape.B - 1),
    h: Math.min(Math.max(0, h), shape.H - 1),
    rows: Math.ceil(shape.Q / rowStride),
    cols: Math.ceil(shape.KV / colStride),
    rowStride,
    colStride,
  };
}

/** A clear error for a shape the kernels cannot take, before anything is dispatched. */
export function checkShape(shape: AttentionShape): void {
  const whole = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${value}.`);
    }
  };
  whole('B', shape.B, 1, 64);
  whole('H', shape.H, 1, 256);
  whole('HKV', shape.HKV, 1, shape.H);
  if (shape.H % shape.HKV !== 0) {
    throw new RangeError(
      `H=${shape.H} is not a multiple of HKV=${shape.HKV}: grouped-query attention needs each kv head to serve the same number of query heads.`,
    );
  }
  whole('Q_LEN', shape.Q, 1, 1 << 20);
  whole('KV_LEN', shape.KV, 1, 1 << 20);
  whole('D', shape.D, 1, 512);
  whole('DV', shape.DV, 1, 512);
  whole('Q block size', shape.blockQ, 1, 256);
  whole('KV block size', shape.blockKV, 1, 256);
}
