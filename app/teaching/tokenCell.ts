/**
 * The token cell a click on the picture stands for. The picture's rows and columns are tokens
 * (every stride-th one when the picture is sampled), except in two views: a Blocks cell is a
 * whole block, and an Output cell is a query row and an output dimension, with no key.
 */
import type { ViewName } from '../problem';
import type { TokenCell } from './explain';

/** Block sizes of the BlockMask on screen, to turn a Blocks-view cell into tokens. */
export interface BlockSizes {
  blockQ: number;
  blockKV: number;
}

/**
 * The token cell of picture cell (row, col) in `view`. A Blocks cell stands for its block's first
 * element; an Output cell keeps the previous selection's key (or key 0).
 */
export function tokenCell(
  view: ViewName,
  rowStride: number,
  colStride: number,
  row: number,
  col: number,
  previous: TokenCell | null,
  blocks: BlockSizes | null,
): TokenCell {
  if (view === 'blocks' && blocks) return { q: row * blocks.blockQ, kv: col * blocks.blockKV };
  const q = row * rowStride;
  if (view === 'output') return { q, kv: previous?.kv ?? 0 };
  return { q, kv: col * colStride };
}
