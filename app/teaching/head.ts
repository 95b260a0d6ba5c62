/**
 * The part of a run the teaching panels compute from: one (b, h), cut out of the run's inputs,
 * outputs and BlockMask as plain arrays. The panels explain the (b, h) on screen, so the worker
 * that computes for them is sent this head alone, once per run: a few MiB where the whole run's
 * Q, K, V may be hundreds, copied once instead of cloned on every click.
 *
 * The reference's explainCell and walkthrough read whole [B, H, S, D] problems. A head is handed
 * to them as a problem with B = H = HKV = 1 whose mask_mod and score_mod are called with the
 * head's real (b, h), and their answers are given the real (b, h) back (app/teaching/explain.ts,
 * walk.ts): the numbers are the reference's own, as tests check against the whole problem.
 */
import type { CompiledProgram } from '../mask/types';
import type { AttentionInputs, AttentionOutputs, AttentionShape, BlockMaskData } from '../problem';
import type { CellProblem } from '../reference/explainCell';

/** One (b, h) of a run, as plain arrays that a worker can be sent (their buffers transferred). */
export interface TeachingHead {
  b: number;
  h: number;
  /** The key/value head that query head h reads (GQA). */
  hkv: number;
  /** The run's whole shape (its B, H and HKV say where the head came from). */
  shape: AttentionShape;
  /** [Q, D] of (b, h). */
  q: Float32Array;
  /** [KV, D] of (b, hkv). */
  k: Float32Array;
  /** [KV, DV] of (b, hkv). */
  v: Float32Array;
  /** [Q, DV]: the out the engine wrote for (b, h). */
  out: Float32Array | Float64Array;
  /** [Q]: the lse the engine wrote for (b, h). */
  lse: Float32Array | Float64Array;
  /** The BlockMask's lists for (b, h), as a BlockMask with B = H = 1. */
  blockMask: BlockMaskData;
}

/** What a head is cut from: the run's inputs, outputs and BlockMask (a RunResult has them). */
export interface HeadSource {
  shape: AttentionShape;
  inputs: AttentionInputs;
  outputs: AttentionOutputs;
  blockMask: BlockMaskData;
}

/** Copies (b, h) out of a run. Throws a RangeError for a head outside the shape. */
export function teachingHead(source: HeadSource, b: number, h: number): TeachingHead {
  const { shape, inputs, outputs, blockMask } = source;
  const { B, H, HKV, Q, KV, D, DV } = shape;
  if (!Number.isInteger(b) || b < 0 || b >= B || !Number.isInteger(h) || h < 0 || h >= H) {
    throw new RangeError(`teachingHead: (b=${b}, h=${h}) is outside [0, ${B}) x [0, ${H})`);
  }
  // H / HKV query heads share one key/value head (GQA).
  const hkv = Math.floor(h / (H / HKV));
  const queryRow = b * H + h;
  const keyRow = b * HKV + hkv;
  // slice, never subarray: a view would post (and keep alive) the whole run's buffer.
  return {
    b,
    h,
    hkv,
    shape,
    q: inputs.q.slice(queryRow * Q * D, (queryRow + 1) * Q * D),
    k: inputs.k.slice(keyRow * KV * D, (keyRow + 1) * KV * D),
    v: inputs.v.slice(keyRow * KV * DV, (keyRow + 1) * KV * DV),
    out: outputs.out.slice(queryRow * Q * DV, (queryRow + 1) * Q * DV),
    lse: outputs.lse.slice(queryRow * Q, (queryRow + 1) * Q),
    blockMask: blockMaskOfHead(blockMask, b, h),
  };
}

/** The buffers of a head, to transfer rather than copy when it is posted to a worker. */
export function headBuffers(head: TeachingHead): ArrayBuffer[] {
  const bm = head.blockMask;
  const arrays = [
    head.q,
    head.k,
    head.v,
    head.out,
    head.lse,
    bm.kvNumBlocks,
    bm.kvIndices,
    bm.fullKvNumBlocks,
    bm.fullKvIndices,
    bm.qNumBlocks,
    bm.qIndices,
    bm.fullQNumBlocks,
    bm.fullQIndices,
  ];
  return arrays.map((array) => array.buffer as ArrayBuffer);
}

/** The BlockMask's lists for (b, h) (broadcast as the kernel does: b % B, h % H), with B = H = 1. */
export function blockMaskOfHead(bm: BlockMaskData, b: number, h: number): BlockMaskData {
  const head = (b % bm.B) * bm.H + (h % bm.H);
  const rows = (array: Int32Array, perHead: number) =>
    array.slice(head * perHead, (head + 1) * perHead);
  const lists = bm.nQ * bm.nKV;
  return {
    ...bm,
    B: 1,
    H: 1,
    kvNumBlocks: rows(bm.kvNumBlocks, bm.nQ),
    kvIndices: rows(bm.kvIndices, lists),
    fullKvNumBlocks: rows(bm.fullKvNumBlocks, bm.nQ),
    fullKvIndices: rows(bm.fullKvIndices, lists),
    qNumBlocks: rows(bm.qNumBlocks, bm.nKV),
    qIndices: rows(bm.qIndices, lists),
    fullQNumBlocks: rows(bm.fullQNumBlocks, bm.nKV),
    fullQIndices: rows(bm.fullQIndices, lists),
  };
}

/**
 * The head as a whole problem of one batch item and one head, for the reference: indices
 * (0, 0) stand for the head's (b, h), so mask_mod and score_mod are called with the real ones.
 */
export function headProblem(head: TeachingHead, program: CompiledProgram): CellProblem {
  const { b, h } = head;
  return {
    inputs: { q: head.q, k: head.k, v: head.v },
    shape: { ...head.shape, B: 1, H: 1, HKV: 1 },
    mask: (_b, _h, q, kv) => program.mask(b, h, q, kv),
    score: program.hasScoreMod ? (s, _b, _h, q, kv) => program.score(s, b, h, q, kv) : null,
    blockMask: head.blockMask,
    lse: head.lse,
  };
}
