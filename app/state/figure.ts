/**
 * What each view draws, as plain data: a grid of values, how to colour them, the title and the
 * axes. The components draw a FigureSpec on screen and the exports draw the same spec into PNG
 * and SVG, so the downloaded picture is the one on screen.
 */
import type { BlockMaskData, ViewName } from '../problem';
import { figureSubtitle, nameToTitle } from './figureTitle';
import { headOutputs, type ShownRun } from './shownRun';

export type ColourMapName = 'viridis' | 'cividis' | 'plasma' | 'blues' | 'rdbu' | 'blocks';

/** Block states in the blocks picture; 0 is empty. */
export const BLOCK_PARTIAL = 1;
export const BLOCK_FULL = 2;
export type BlockState = 'empty' | 'partial' | 'full';
export const BLOCK_STATES: readonly BlockState[] = ['empty', 'partial', 'full'];

export interface AxisSpec {
  /** "Query Tokens", "Key Tokens", ... */
  label: string;
  /** Tick label prefix for small grids: `Q` gives Q0, Q1, ... */
  tickPrefix: string;
  /** Cells along this axis, and how many tokens (or blocks, dims) each cell stands for. */
  cells: number;
  stride: number;
  /** Units along the axis (tokens): cells * stride, or less when the last cell is partial. */
  extent: number;
}

export interface FigureSpec {
  view: ViewName;
  title: string;
  subtitle: string;
  rows: AxisSpec;
  cols: AxisSpec;
  /** Row-major cell values; NaN and -Infinity are drawn blank (the background shows). */
  values: ArrayLike<number>;
  colourMap: ColourMapName;
  /** Colour bar range (for 'blocks' the three states 0, 1, 2). */
  domain: [number, number];
  colourBarLabel: string;
  /** True when the grid is small enough for per-cell ticks and grid lines (attention-gym: 32). */
  cellTicks: boolean;
}

/** The colour map attention-gym uses for the scores picture. */
export function scoresColourMap(hasMask: boolean, hasScoreMod: boolean): ColourMapName {
  if (hasScoreMod && hasMask) return 'plasma';
  return hasScoreMod ? 'viridis' : 'cividis';
}

/** Min and max over the finite values; [0, 1] when there are none, widened when flat. */
export function finiteExtent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/** The state of one block of the (broadcast) BlockMask for batch item b and head h. */
export function blockStateAt(
  bm: BlockMaskData,
  b: number,
  h: number,
  qb: number,
  kvb: number,
): BlockState {
  const row = ((b % bm.B) * bm.H + (h % bm.H)) * bm.nQ + qb;
  const base = row * bm.nKV;
  for (let i = 0; i < bm.fullKvNumBlocks[row]; i++) {
    if (bm.fullKvIndices[base + i] === kvb) return 'full';
  }
  for (let i = 0; i < bm.kvNumBlocks[row]; i++) {
    if (bm.kvIndices[base + i] === kvb) return 'partial';
  }
  return 'empty';
}

/** The [nQ, nKV] grid of block states (0 empty, 1 partial, 2 full) for one (b, h). */
export function blockGrid(bm: BlockMaskData, b: number, h: number): Uint8Array {
  const grid = new Uint8Array(bm.nQ * bm.nKV);
  const rowOf = (qb: number) => ((b % bm.B) * bm.H + (h % bm.H)) * bm.nQ + qb;
  for (let qb = 0; qb < bm.nQ; qb++) {
    const row = rowOf(qb);
    const base = row * bm.nKV;
    for (let i = 0; i < bm.kvNumBlocks[row]; i++) {
      grid[qb * bm.nKV + bm.kvIndices[base + i]] = BLOCK_PARTIAL;
    }
    for (let i = 0; i < bm.fullKvNumBlocks[row]; i++) {
      grid[qb * bm.nKV + bm.fullKvIndices[base + i]] = BLOCK_FULL;
    }
  }
  return grid;
}

export interface BlockCounts {
  empty: number;
  partial: number;
  full: number;
}

export function countBlockStates(grid: Uint8Array): BlockCounts {
  const counts = { empty: 0, partial: 0, full: 0 };
  for (const s of grid) counts[BLOCK_STATES[s]] += 1;
  return counts;
}

function axis(label: string, tickPrefix: string, cells: number, stride: number, extent: number) {
  return { label, tickPrefix, cells, stride, extent };
}

export interface FigureInputs {
  /** A finished run, or the picture of the run in flight. */
  result: ShownRun;
  view: ViewName;
  /** The program's name (attention-gym's `name`), e.g. `causal_and_padding`. */
  name: string;
  hasMask: boolean;
  hasScoreMod: boolean;
}

/** Builds the spec of one view of a run. */
export function buildFigure({
  result,
  view,
  name,
  hasMask,
  hasScoreMod,
}: FigureInputs): FigureSpec {
  const { picture: sv, shape, blockMask: bm } = result;
  const subtitle = figureSubtitle(sv.b, sv.h);
  const queries = axis('Query Tokens', 'Q', sv.rows, sv.rowStride, shape.Q);
  const keys = axis('Key Tokens', 'KV', sv.cols, sv.colStride, shape.KV);
  const small = (rows: AxisSpec, cols: AxisSpec) =>
    rows.cells <= 32 && cols.cells <= 32 && rows.stride === 1 && cols.stride === 1;
  const base = nameToTitle(name);

  switch (view) {
    case 'scores': {
      // attention-gym: a mask_mod alone is drawn as the boolean mask; with a score_mod the
      // modified scores, masked ones blank.
      const maskOnly = !hasScoreMod;
      const values = maskOnly ? sv.mask : sv.scores;
      return {
        view,
        title: base,
        subtitle,
        rows: queries,
        cols: keys,
        values,
        colourMap: scoresColourMap(hasMask, hasScoreMod),
        domain: maskOnly ? [0, 1] : finiteExtent(values),
        colourBarLabel: maskOnly ? 'mask_mod (1 = attend)' : 'score after score_mod',
        cellTicks: small(queries, keys),
      };
    }
    case 'probs': {
      const values = Float64Array.from(sv.probs, (p, i) => (sv.mask[i] ? p : NaN));
      const hi = finiteExtent(values)[1];
      return {
        view,
        title: `${base}: Probabilities`,
        subtitle,
        rows: queries,
        cols: keys,
        values,
        colourMap: 'blues',
        domain: [0, Math.max(hi, 1e-12)],
        colourBarLabel: 'softmax probability',
        cellTicks: small(queries, keys),
      };
    }
    case 'mask': {
      return {
        view,
        title: `${base}: Mask`,
        subtitle,
        rows: queries,
        cols: keys,
        values: sv.mask,
        colourMap: 'cividis',
        domain: [0, 1],
        colourBarLabel: 'mask_mod (1 = attend)',
        cellTicks: small(queries, keys),
      };
    }
    case 'blocks': {
      const qBlocks = axis('Query Blocks', 'Qb', bm.nQ, 1, bm.nQ);
      const kvBlocks = axis('Key Blocks', 'KVb', bm.nKV, 1, bm.nKV);
      return {
        view,
        title: `${base}: BlockMask (${bm.blockQ} x ${bm.blockKV} blocks)`,
        subtitle,
        rows: qBlocks,
        cols: kvBlocks,
        values: blockGrid(bm, sv.b, sv.h),
        colourMap: 'blocks',
        domain: [0, 2],
        colourBarLabel: 'block',
        cellTicks: small(qBlocks, kvBlocks),
      };
    }
    case 'output': {
      const { Q, DV } = shape;
      const values = headOutputs(result).out;
      const [lo, hi] = finiteExtent(values);
      const bound = Math.max(Math.abs(lo), Math.abs(hi), 1e-12);
      const rows = axis('Query Tokens', 'Q', Q, 1, Q);
      const cols = axis('Value Dims', 'D', DV, 1, DV);
      return {
        view,
        title: `${base}: Output`,
        subtitle,
        rows,
        cols,
        values,
        colourMap: 'rdbu',
        domain: [-bound, bound],
        colourBarLabel: 'out',
        cellTicks: small(rows, cols),
      };
    }
  }
}
