/**
 * One row of the BlockMask, on the CPU: for one (b, h) of the mask's own sizes and one query
 * block, which key blocks are empty, full or partial, exactly as createBlockMask
 * (app/reference/blockMask.ts, PyTorch's rule) decides, plus the allowed cells of each partial
 * block, which the attention pass masks with.
 *
 * The bounds back end (app/mask/bounds.ts) settles most blocks with one interval evaluation;
 * mask_mod runs over the whole block (the tile back end, app/mask/tile.ts) only where it cannot
 * tell. Bounds are sound (never a wrong
 * 0 or 1), so the result equals the element-by-element count. One rule needs care: PyTorch counts
 * only the cells inside Q and KV, so a block cut by either edge can never be full; a block the
 * bounds prove allowed everywhere is partial there, with every in-range cell allowed.
 */
import type { AttentionShape } from '../../problem';
import type { CompiledProgram } from '../../mask/types';

/** A key block's kind, as the bounds back end numbers its answers. */
export const EMPTY = 0;
export const FULL = 1;
export const PARTIAL = 2;

/** What classifying a row needs of a program: its tile evaluator and its bounds. */
export interface RowMaskProgram extends Pick<CompiledProgram, 'maskTile'> {
  /** mask_mod over a box: 0 never allowed, 1 always allowed, 2 cannot tell. */
  bounds(b: number, h: number, qLo: number, qHi: number, kvLo: number, kvHi: number): number;
}

export interface MaskRow {
  /** Per key block: EMPTY, FULL or PARTIAL. */
  kinds: Uint8Array;
  /** The partial blocks, ascending (the order flex attention visits them). */
  partial: number[];
  /** The full blocks, ascending. */
  full: number[];
  /**
   * The allowed cells of each partial block, in its order in `partial`: blockQ * blockKV bytes
   * each, row stride blockKV (the kernel's tile layout), 1 where mask_mod allows.
   */
  allowed: Uint8Array;
}

type RowShape = Pick<AttentionShape, 'Q' | 'KV' | 'blockQ' | 'blockKV'>;

/** Classifies key blocks of query block `qb` for the mask's (b, h). */
export function classifyMaskRow(
  program: RowMaskProgram,
  shape: RowShape,
  b: number,
  h: number,
  qb: number,
): MaskRow {
  const { Q, KV, blockQ, blockKV } = shape;
  const nKV = Math.ceil(KV / blockKV);
  const tileCells = blockQ * blockKV;
  const qLo = qb * blockQ;
  const qHi = Math.min(Q, qLo + blockQ) - 1;
  const rows = qHi - qLo + 1;
  const kinds = new Uint8Array(nKV);
  const partial: number[] = [];
  const full: number[] = [];
  // Grown as partial blocks are found; one scratch tile at the end is reused while counting.
  let allowed = new Uint8Array(tileCells * 4);
  const slot = (index: number): Uint8Array => {
    const need = (index + 1) * tileCells;
    if (need > allowed.length) {
      const grown = new Uint8Array(Math.max(need, allowed.length * 2));
      grown.set(allowed);
      allowed = grown;
    }
    return allowed.subarray(index * tileCells, need);
  };

  for (let kb = 0; kb < nKV; kb++) {
    const kvLo = kb * blockKV;
    const kvHi = Math.min(KV, kvLo + blockKV) - 1;
    const cols = kvHi - kvLo + 1;
    const cutByEdge = rows < blockQ || cols < blockKV;
    const bound = program.bounds(b, h, qLo, qHi, kvLo, kvHi);
    if (bound === EMPTY) continue;
    if (bound === FULL && !cutByEdge) {
      kinds[kb] = FULL;
      full.push(kb);
      continue;
    }
    const cells = slot(partial.length);
    cells.fill(0);
    if (bound === FULL) {
      for (let r = 0; r < rows; r++) cells.fill(1, r * blockKV, r * blockKV + cols);
    } else {
      program.maskTile(b, h, qLo, rows, kvLo, cols, cells, blockKV);
    }
    // Cells past the tile's rows and columns stay 0, so the sum counts allowed in-range cells.
    let count = 0;
    for (let k = 0; k < tileCells; k++) count += cells[k];
    if (count === 0) continue;
    if (count === tileCells) {
      kinds[kb] = FULL;
      full.push(kb);
      continue;
    }
    kinds[kb] = PARTIAL;
    partial.push(kb);
  }
  return { kinds, partial, full, allowed: allowed.slice(0, partial.length * tileCells) };
}
