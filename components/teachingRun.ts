/**
 * Shared plumbing of the teaching panels: the last run with the program that produced it, as the
 * reference's problem (inputs, shape, mask and score functions, the engine's BlockMask), and the
 * conversion from a clicked picture cell to token coordinates.
 */
import { useMemo } from 'react';
import { useStore } from 'zustand';
import type { RunResult } from '../app/engine/types';
import { compile } from '../app/mask/compile';
import type { CompiledProgram } from '../app/mask/types';
import type { MaskFn, ScoreFn } from '../app/reference/types';
import type { ViewName } from '../app/problem';
import { playground, type SelectedCell } from '../app/state/store';

export interface TeachingRun {
  result: RunResult;
  program: CompiledProgram;
  mask: MaskFn;
  score: ScoreFn | null;
}

/** The program of a result: the store's when it is the one that ran, else compiled again. */
function programOf(code: string, latest: CompiledProgram | null): CompiledProgram | null {
  if (latest && latest.source === code) return latest;
  try {
    return compile(code);
  } catch {
    return null;
  }
}

/** The last successful run and its program, or null before the first run. */
export function useTeachingRun(): TeachingRun | null {
  const result = useStore(playground, (s) => s.result);
  const scenario = useStore(playground, (s) => s.resultScenario);
  const latest = useStore(playground, (s) => s.program);
  return useMemo(() => {
    if (!result || !scenario) return null;
    const program = programOf(scenario.code, latest);
    if (!program) return null;
    const mask: MaskFn = (b, h, q, kv) => program.mask(b, h, q, kv);
    const score: ScoreFn | null = program.hasScoreMod
      ? (s, b, h, q, kv) => program.score(s, b, h, q, kv)
      : null;
    return { result, program, mask, score };
    // Not keyed on `latest`: it changes on every compile; only the result's own program matters.
  }, [result, scenario]);
}

/** Block sizes of the BlockMask on screen, to turn a Blocks-view cell into tokens. */
export interface BlockSizes {
  blockQ: number;
  blockKV: number;
}

/**
 * The token cell a click on the picture stands for. A Blocks cell stands for its block's first
 * element; an Output cell (a query row and an output dimension) keeps the previous key.
 */
export function tokenCell(
  view: ViewName,
  rowStride: number,
  colStride: number,
  row: number,
  col: number,
  previous: SelectedCell | null,
  blocks: BlockSizes | null,
): SelectedCell {
  if (view === 'blocks' && blocks) return { q: row * blocks.blockQ, kv: col * blocks.blockKV };
  const q = row * rowStride;
  if (view === 'output') return { q, kv: previous?.kv ?? 0 };
  return { q, kv: col * colStride };
}

/** tokenCell with the current selection and BlockMask read from the store (for a click). */
export function cellFromFigure(
  view: ViewName,
  rowStride: number,
  colStride: number,
  row: number,
  col: number,
): SelectedCell {
  const { selectedCell, result } = playground.getState();
  return tokenCell(view, rowStride, colStride, row, col, selectedCell, result?.blockMask ?? null);
}
