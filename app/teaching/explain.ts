/**
 * What the explain panel shows for one cell of the head on screen: the reference's explanation
 * (scores, mask, probability, block and what the kernel did there) and the traces of mask_mod
 * and score_mod at that cell, every sub-expression with its value.
 */
import { createTracer, type MaskTrace, type ScoreTrace, type Tracer } from '../mask/trace';
import type { CompiledProgram } from '../mask/types';
import type { AttentionShape } from '../problem';
import { explainCell, type CellExplanation } from '../reference/explainCell';
import { headProblem, type TeachingHead } from './head';

export interface ExplainAnswer {
  cell: CellExplanation;
  mask: MaskTrace;
  score: ScoreTrace;
}

/** A program with its tracer, prepared once and reused for every cell of every run of it. */
export interface TeachingProgram {
  program: CompiledProgram;
  tracer: Tracer;
}

export function teachingProgram(program: CompiledProgram): TeachingProgram {
  return { program, tracer: createTracer(program) };
}

/** A cell in token coordinates (q_idx, kv_idx). */
export interface TokenCell {
  q: number;
  kv: number;
}

/** Whether a selected cell lies inside the shape: a selection may outlive a larger run. */
export function cellInShape(shape: Pick<AttentionShape, 'Q' | 'KV'>, cell: TokenCell): boolean {
  return (
    Number.isInteger(cell.q) &&
    Number.isInteger(cell.kv) &&
    cell.q >= 0 &&
    cell.q < shape.Q &&
    cell.kv >= 0 &&
    cell.kv < shape.KV
  );
}

/** Explains (q_idx, kv_idx) of the head. Throws a RangeError for a cell outside the shape. */
export function explainHeadCell(
  head: TeachingHead,
  { program, tracer }: TeachingProgram,
  { q, kv }: TokenCell,
): ExplainAnswer {
  const { b, h, hkv } = head;
  const explained = explainCell(headProblem(head, program), 0, 0, q, kv);
  return {
    cell: { ...explained, b, h, hkv },
    mask: tracer.traceMask(b, h, q, kv),
    score: tracer.traceScore(explained.rawScore, b, h, q, kv),
  };
}
