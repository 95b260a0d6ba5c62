import { describe, expect, test } from 'vitest';
import { explainCell } from '../reference/explainCell';
import { cellInShape, explainHeadCell, teachingProgram } from './explain';
import { teachingHead } from './head';
import {
  CAUSAL,
  GQA_SHAPE,
  HEAD_DEPENDENT,
  SMALL_SHAPE,
  smallRun,
  wholeProblem,
} from '../../testing/teachingRuns';

/** (q . k) / sqrt(D) from the run's own inputs, for (b, h) = (0, 0) of a one-head run. */
function rawScore(run: ReturnType<typeof smallRun>, q: number, kv: number): number {
  const { inputs, shape } = run.result;
  let dot = 0;
  for (let d = 0; d < shape.D; d++) dot += inputs.q[q * shape.D + d] * inputs.k[kv * shape.D + d];
  return dot / Math.sqrt(shape.D);
}

describe('explaining a cell of the head on screen', () => {
  const run = smallRun(CAUSAL, SMALL_SHAPE);
  const head = teachingHead(run.result, 0, 0);
  const prepared = teachingProgram(run.program);

  test('a masked cell of a partial block: False, -inf, probability 0, masked by the kernel', () => {
    const { cell, mask, score } = explainHeadCell(head, prepared, { q: 5, kv: 7 });
    expect(cell).toMatchObject({ b: 0, h: 0, q: 5, kv: 7, hkv: 0, allowed: false });
    expect(cell.rawScore).toBeCloseTo(rawScore(run, 5, 7), 12);
    expect(cell.modifiedScore).toBe(cell.rawScore);
    expect(cell.finalScore).toBe(-Infinity);
    expect(cell.probability).toBe(0);
    // Block (1, 1) holds q 4-7 and kv 4-7: causal allows 10 of its 16 elements.
    expect(cell.block).toEqual({
      qBlock: 1,
      kvBlock: 1,
      state: 'partial',
      allowedElements: 10,
      inBoundsElements: 16,
      capacity: 16,
      countedState: 'partial',
    });
    expect(cell.kernel).toBe('masked');
    expect(mask.allowed).toBe(false);
    expect(mask.root).toMatchObject({ kind: 'operator', label: '>=', value: 0 });
    expect(score).toMatchObject({ root: null, score: cell.rawScore });
  });

  test("a cell of a full block counts without a mask, its probability from the run's lse", () => {
    const { cell, mask } = explainHeadCell(head, prepared, { q: 9, kv: 2 });
    expect(cell.block.state).toBe('full');
    expect(cell.kernel).toBe('unmasked');
    expect(cell.allowed).toBe(true);
    expect(cell.finalScore).toBeCloseTo(rawScore(run, 9, 2), 12);
    expect(cell.lse).toBe(run.result.outputs.lse[9]);
    expect(cell.probability).toBeCloseTo(Math.exp(cell.finalScore - cell.lse), 12);
    expect(mask.allowed).toBe(true);
  });

  test('equals explainCell over the whole run, and the traces equal the program, at every cell', () => {
    const gqa = smallRun(HEAD_DEPENDENT, GQA_SHAPE);
    const { program, result } = gqa;
    const whole = wholeProblem(gqa);
    const mine = teachingProgram(program);
    for (const [b, h] of [
      [1, 3],
      [0, 1],
    ]) {
      const cut = teachingHead(result, b, h);
      for (let q = 0; q < GQA_SHAPE.Q; q++) {
        for (let kv = 0; kv < GQA_SHAPE.KV; kv++) {
          const where = `(${b}, ${h}, ${q}, ${kv})`;
          const answer = explainHeadCell(cut, mine, { q, kv });
          expect(answer.cell, where).toEqual(explainCell(whole, b, h, q, kv));
          expect(answer.mask.allowed, where).toBe(program.mask(b, h, q, kv));
          expect(answer.mask.args, where).toEqual({ b, h, q_idx: q, kv_idx: kv });
          expect(answer.score.score, where).toBe(answer.cell.modifiedScore);
        }
      }
    }
  });

  test('refuses a cell outside the shape', () => {
    expect(() => explainHeadCell(head, prepared, { q: 12, kv: 0 })).toThrow(RangeError);
  });
});

describe('whether a selected cell is in the shape', () => {
  test('inside Q x KV only, whole numbers only', () => {
    const shape = { Q: 4, KV: 6 };
    expect(cellInShape(shape, { q: 3, kv: 5 })).toBe(true);
    expect(cellInShape(shape, { q: 0, kv: 0 })).toBe(true);
    expect(cellInShape(shape, { q: 4, kv: 0 })).toBe(false);
    expect(cellInShape(shape, { q: 0, kv: 6 })).toBe(false);
    expect(cellInShape(shape, { q: -1, kv: 0 })).toBe(false);
    expect(cellInShape(shape, { q: 1.5, kv: 0 })).toBe(false);
  });
});
