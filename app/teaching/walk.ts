/**
 * What the kernel walkthrough shows: which row it follows (the one chosen in the panel, else the
 * clicked cell's, else the first, kept inside its query block), and the reference's walk of that
 * row's query block through the head on screen, with the out and lse the engine wrote for it.
 */
import type { CompiledProgram } from '../mask/types';
import type { BlockMaskData } from '../problem';
import { walkthrough, type Walkthrough } from '../reference/walkthrough';
import { headProblem, type TeachingHead } from './head';

/** A query block and one row (an absolute q_idx) inside it. */
export interface RowTarget {
  queryBlock: number;
  row: number;
}

/** The followed row, and the rows of its query block inside the sequence, [first, last]. */
export interface FollowedRow extends RowTarget {
  first: number;
  last: number;
}

type QueryBlocks = Pick<BlockMaskData, 'blockQ' | 'nQ'>;

/**
 * The row the walkthrough follows: `chosen` (picked in the panel) when there is one, else the
 * selected cell's row when it is inside the sequence, else row 0; the query block clamped to the
 * BlockMask's and the row to that block's rows inside the sequence.
 */
export function followedRow(
  bm: QueryBlocks,
  Q: number,
  chosen: RowTarget | null,
  selected: { q: number } | null,
): FollowedRow {
  const fallbackRow = selected && selected.q >= 0 && selected.q < Q ? selected.q : 0;
  const wanted = chosen ?? { queryBlock: Math.floor(fallbackRow / bm.blockQ), row: fallbackRow };
  const queryBlock = Math.min(Math.max(0, wanted.queryBlock), bm.nQ - 1);
  const first = queryBlock * bm.blockQ;
  const last = Math.min(Q, first + bm.blockQ) - 1;
  return { queryBlock, row: Math.min(Math.max(first, wanted.row), last), first, last };
}

/** A query block picked on its own: followed from its first row. */
export function firstRowOf(bm: Pick<BlockMaskData, 'blockQ'>, queryBlock: number): RowTarget {
  return { queryBlock, row: queryBlock * bm.blockQ };
}

export interface WalkAnswer {
  /** The reference's walk, its target the head's real (b, h). */
  walk: Walkthrough;
  /** What the engine wrote for the followed row, to set beside the walk's last step. */
  kernel: { out: number[]; lse: number };
}

/** Walks one row of the head. Throws a RangeError for a row outside its query block. */
export function walkHeadRow(
  head: TeachingHead,
  program: CompiledProgram,
  { queryBlock, row }: RowTarget,
): WalkAnswer {
  const { b, h } = head;
  const walk = walkthrough(headProblem(head, program), { b: 0, h: 0, queryBlock, row });
  const { DV } = head.shape;
  return {
    walk: { ...walk, target: { b, h, queryBlock, row } },
    kernel: { out: Array.from(head.out.subarray(row * DV, (row + 1) * DV)), lse: head.lse[row] },
  };
}
