import { describe, expect, test } from 'vitest';
import { walkthrough } from '../reference/walkthrough';
import { teachingHead } from './head';
import {
  CAUSAL,
  GQA_SHAPE,
  HEAD_DEPENDENT,
  SMALL_SHAPE,
  smallRun,
  wholeProblem,
} from '../../testing/teachingRuns';
import { firstRowOf, followedRow, walkHeadRow } from './walk';

describe('the row the walkthrough follows', () => {
  // Q = 10 at blocks of 4: query blocks 0-3, 4-7 and 8-9.
  const bm = { blockQ: 4, nQ: 3 };

  test("the clicked cell's row until a row is chosen, else row 0", () => {
    expect(followedRow(bm, 10, null, { q: 6 })).toEqual({
      queryBlock: 1,
      row: 6,
      first: 4,
      last: 7,
    });
    expect(followedRow(bm, 10, null, null)).toEqual({ queryBlock: 0, row: 0, first: 0, last: 3 });
    // A selection past the sequence (left from a longer run) falls back to row 0.
    expect(followedRow(bm, 10, null, { q: 10 })).toEqual({
      queryBlock: 0,
      row: 0,
      first: 0,
      last: 3,
    });
  });

  test('a chosen row wins over the clicked cell, kept inside its block and the sequence', () => {
    expect(followedRow(bm, 10, { queryBlock: 2, row: 9 }, { q: 1 })).toMatchObject({
      queryBlock: 2,
      row: 9,
      first: 8,
      last: 9,
    });
    expect(followedRow(bm, 10, { queryBlock: 2, row: 11 }, null)).toMatchObject({ row: 9 });
    expect(followedRow(bm, 10, { queryBlock: 7, row: 30 }, null)).toMatchObject({
      queryBlock: 2,
      row: 9,
    });
    expect(followedRow(bm, 10, { queryBlock: 1, row: 0 }, null)).toMatchObject({ row: 4 });
  });

  test('a query block picked alone starts at its first row', () => {
    expect(firstRowOf(bm, 2)).toEqual({ queryBlock: 2, row: 8 });
  });
});

describe('walking a row of the head on screen', () => {
  test("causal, query block 1, row 6: partial block 1, then full block 0, ending on the run's out and lse", () => {
    const { program, result } = smallRun(CAUSAL, SMALL_SHAPE);
    const { walk, kernel } = walkHeadRow(teachingHead(result, 0, 0), program, {
      queryBlock: 1,
      row: 6,
    });
    expect(walk.target).toEqual({ b: 0, h: 0, queryBlock: 1, row: 6 });
    expect(walk.steps.map((s) => [s.kind, s.kvBlock])).toEqual([
      ['partial', 1],
      ['full', 0],
    ]);
    expect(walk.skipped).toEqual([2]);
    // Row 6 in kv block 1 (keys 4-7): key 7 is in its future.
    expect(walk.steps[0]).toMatchObject({ kvStart: 4, kvEnd: 8, masked: 1, computed: 3 });
    expect(walk.steps[1]).toMatchObject({ kvStart: 0, kvEnd: 4, masked: 0, computed: 4 });
    const { DV } = SMALL_SHAPE;
    expect(kernel.lse).toBe(result.outputs.lse[6]);
    expect(kernel.out).toEqual(Array.from(result.outputs.out.subarray(6 * DV, 7 * DV)));
    expect(walk.lse).toBeCloseTo(kernel.lse, 12);
    walk.out.forEach((v, d) => expect(v).toBeCloseTo(kernel.out[d], 12));
  });

  test('equals the walkthrough over the whole run for every row of another (b, h)', () => {
    const gqa = smallRun(HEAD_DEPENDENT, GQA_SHAPE);
    const { program, result } = gqa;
    const whole = wholeProblem(gqa);
    const head = teachingHead(result, 1, 2);
    for (let row = 0; row < GQA_SHAPE.Q; row++) {
      const queryBlock = Math.floor(row / GQA_SHAPE.blockQ);
      const { walk, kernel } = walkHeadRow(head, program, { queryBlock, row });
      expect(walk, `row ${row}`).toEqual(walkthrough(whole, { b: 1, h: 2, queryBlock, row }));
      const at = (1 * GQA_SHAPE.H + 2) * GQA_SHAPE.Q + row;
      expect(kernel.lse, `row ${row}`).toBe(result.outputs.lse[at]);
    }
  });

  test('refuses a row outside its query block', () => {
    const { program, result } = smallRun(CAUSAL, SMALL_SHAPE);
    expect(() =>
      walkHeadRow(teachingHead(result, 0, 0), program, { queryBlock: 0, row: 6 }),
    ).toThrow('walkthrough: row 6 is not in query block 0');
  });
});
