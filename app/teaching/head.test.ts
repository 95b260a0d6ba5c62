import { describe, expect, test } from 'vitest';
import { blockMaskOfHead, headBuffers, teachingHead } from './head';
import { CAUSAL, GQA_SHAPE, HEAD_DEPENDENT, smallRun } from '../../testing/teachingRuns';

describe('a head cut out of a run', () => {
  const { result } = smallRun(HEAD_DEPENDENT, GQA_SHAPE);
  const { Q, KV, D, DV, H, HKV } = GQA_SHAPE;

  test("holds (b, h)'s query rows and its key/value head's keys and values", () => {
    const head = teachingHead(result, 1, 3);
    // Four query heads over two key/value heads: head 3 reads key/value head 1.
    expect(head).toMatchObject({ b: 1, h: 3, hkv: 1, shape: GQA_SHAPE });
    const queryRow = 1 * H + 3;
    const keyRow = 1 * HKV + 1;
    expect(Array.from(head.q)).toEqual(
      Array.from(result.inputs.q.subarray(queryRow * Q * D, (queryRow + 1) * Q * D)),
    );
    expect(Array.from(head.k)).toEqual(
      Array.from(result.inputs.k.subarray(keyRow * KV * D, (keyRow + 1) * KV * D)),
    );
    expect(Array.from(head.v)).toEqual(
      Array.from(result.inputs.v.subarray(keyRow * KV * DV, (keyRow + 1) * KV * DV)),
    );
    expect(head.lse[2]).toBe(result.outputs.lse[queryRow * Q + 2]);
    expect(head.out[2 * DV + 1]).toBe(result.outputs.out[(queryRow * Q + 2) * DV + 1]);
    expect([head.q.length, head.k.length, head.v.length, head.lse.length]).toEqual([
      Q * D,
      KV * D,
      KV * DV,
      Q,
    ]);
  });

  test("keeps the BlockMask's lists of (b, h) only, broadcasting a mask's own B and H", () => {
    const { blockMask: bm } = result;
    // HEAD_DEPENDENT reads b and h: the BlockMask has a list per (b, h).
    expect([bm.B, bm.H]).toEqual([2, 4]);
    const one = blockMaskOfHead(bm, 1, 2);
    expect([one.B, one.H, one.nQ, one.nKV]).toEqual([1, 1, bm.nQ, bm.nKV]);
    const head = 1 * bm.H + 2;
    expect(Array.from(one.kvNumBlocks)).toEqual(
      Array.from(bm.kvNumBlocks.subarray(head * bm.nQ, (head + 1) * bm.nQ)),
    );
    expect(Array.from(one.fullKvIndices)).toEqual(
      Array.from(bm.fullKvIndices.subarray(head * bm.nQ * bm.nKV, (head + 1) * bm.nQ * bm.nKV)),
    );
    expect(Array.from(one.qNumBlocks)).toEqual(
      Array.from(bm.qNumBlocks.subarray(head * bm.nKV, (head + 1) * bm.nKV)),
    );
    // Causal reads neither: every (b, h) has the one list.
    const causal = smallRun(CAUSAL, GQA_SHAPE).result.blockMask;
    expect([causal.B, causal.H]).toEqual([1, 1]);
    expect(Array.from(blockMaskOfHead(causal, 1, 3).kvIndices)).toEqual(
      Array.from(causal.kvIndices),
    );
  });

  test('is a copy: transferring its buffers leaves the run whole', () => {
    const head = teachingHead(result, 0, 1);
    const before = Array.from(result.inputs.q);
    const buffers = headBuffers(head);
    expect(new Set(buffers).size).toBe(13);
    structuredClone(head, { transfer: buffers });
    expect(head.q.length).toBe(0);
    expect(Array.from(result.inputs.q)).toEqual(before);
    expect(result.blockMask.kvIndices.length).toBeGreaterThan(0);
  });

  test('refuses a head outside the shape', () => {
    expect(() => teachingHead(result, 2, 0)).toThrow(RangeError);
    expect(() => teachingHead(result, 0, 4)).toThrow(RangeError);
    expect(() => teachingHead(result, 0, 0.5)).toThrow(RangeError);
  });
});
