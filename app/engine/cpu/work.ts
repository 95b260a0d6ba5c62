/**
 * How a CPU run is cut into work items: one per row of the broadcast BlockMask grid (the mask's
 * own B and H times the query blocks). An item carries every (b, h) of the problem that reads that
 * mask row, so the row is classified once and reused by all of them.
 */
import type { AttentionShape } from '../../problem';

export interface WorkItem {
  /** The mask row's own b and h (indices into the BlockMask's B and H) and its query block. */
  maskB: number;
  maskH: number;
  qb: number;
}

/** The sizes of the BlockMask a run builds (its own B and H, broadcast over the problem's). */
export interface MaskGrid {
  B: number;
  H: number;
  nQ: number;
}

/**
 * Every item of a run, most expensive first as far as the shape can tell: later query blocks of a
 * causal-style mask see more keys, so they go first, and the pool's dynamic dealing (idle workers
 * pull the next item) then ends with the cheapest ones, which keeps the last worker's tail short.
 */
export function workItems(grid: MaskGrid): WorkItem[] {
  const items: WorkItem[] = [];
  for (let qb = grid.nQ - 1; qb >= 0; qb--) {
    for (let maskB = 0; maskB < grid.B; maskB++) {
      for (let maskH = 0; maskH < grid.H; maskH++) items.push({ maskB, maskH, qb });
    }
  }
  return items;
}

/**
 * The (b, h) of the problem that read one mask row: with the mask's B (or H) equal to the
 * problem's, only its own index; broadcast (size 1), every index. b outer, h inner, so heads that
 * share a kv head (GQA) come one after another and the keys are loaded once for them.
 */
export function headsOf(
  item: WorkItem,
  grid: MaskGrid,
  shape: Pick<AttentionShape, 'B' | 'H'>,
): { b: number; h: number }[] {
  const heads: { b: number; h: number }[] = [];
  for (let b = item.maskB; b < shape.B; b += grid.B) {
    for (let h = item.maskH; h < shape.H; h += grid.H) heads.push({ b, h });
  }
  return heads;
}
