/**
 * PyTorch's BlockMask (docs/blockmask.md). `B` and `H` are the mask's own sizes: 1 when the
 * mask does not depend on that index, broadcast by the kernel as `b % B`, `h % H`.
 * Arrays are row-major in the shapes the field comments give.
 */
export interface BlockMaskData {
  B: number;
  H: number;
  Q: number;
  KV: number;
  blockQ: number;
  blockKV: number;
  nQ: number;
  nKV: number;
  /** [B, H, nQ] */
  kvNumBlocks: Int32Array;
  /** [B, H, nQ, nKV] */
  kvIndices: Int32Array;
  /** [B, H, nQ] */
  fullKvNumBlocks: Int32Array;
  /** [B, H, nQ, nKV] */
  fullKvIndices: Int32Array;
  /** [B, H, nKV] */
  qNumBlocks: Int32Array;
  /** [B, H, nKV, nQ] */
  qIndices: Int32Array;
  /** [B, H, nKV] */
  fullQNumBlocks: Int32Array;
  /** [B, H, nKV, nQ] */
  fullQIndices: Int32Array;
}
