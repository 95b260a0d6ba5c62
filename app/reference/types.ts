/**
 * The two user functions the reference runs, as plain JavaScript callbacks (docs/blockmask.md).
 * The engine wraps a CompiledProgram's evaluator in these; tests write them inline.
 */

/** `mask_mod(b, h, q_idx, kv_idx)`: true means "this query may attend to this key". */
export type MaskFn = (b: number, h: number, q: number, kv: number) => boolean;

/** `score_mod(score, b, h, q_idx, kv_idx)`: rewrites one pre-softmax logit. */
export type ScoreFn = (score: number, b: number, h: number, q: number, kv: number) => number;
