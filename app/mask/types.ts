/**
 * The contract between the mask language (app/mask) and everything that runs a program: the
 * engine, the GPU kernels, the reference and the UI. One `compile(source)` gives one
 * CompiledProgram; it throws MaskCompileError (and nothing else) for any bad input.
 */

/** A half-open range of UTF-16 offsets into the program text. */
export interface SourceSpan {
  start: number;
  end: number;
}

export type ScalarType = 'int' | 'float' | 'bool';

/** A top-level number (`WINDOW = 3`): the UI shows it as a slider; the GPU reads it as a uniform. */
export interface ParamInfo {
  name: string;
  type: ScalarType;
  value: number;
  span: SourceSpan;
}

/**
 * A lookup tensor the program reads at traced indices (`valid_len = [7, 10]`, or a tensor its setup
 * code built): 1 to 4 axes. A read gives one index per axis; as in Python, an index in [-n, 0)
 * counts from the end of its axis, and one outside [-n, n) reads 0 / 0.0 / False on every back
 * end (PyTorch would raise).
 */
export interface TensorInfo {
  name: string;
  type: ScalarType;
  /** The length of each axis, outermost first: 1 to 4 axes (MAX_TENSOR_RANK in ir.ts). */
  shape: number[];
  /** Row-major values, the last axis varying fastest (bools as 0/1). */
  values: number[];
  /** Where it starts in the packed tensor buffer, in 32-bit words. */
  offset: number;
  span: SourceSpan;
}

/** Which of the batch and head indices an entry point reads. */
export interface Dependence {
  b: boolean;
  h: boolean;
}

/** The sizes the PyTorch export writes into its `create_block_mask` / `flex_attention` calls. */
export interface PytorchExportShape {
  B: number;
  H: number;
  HKV: number;
  Q: number;
  KV: number;
  D: number;
  DV: number;
  blockQ: number;
  blockKV: number;
}

/**
 * WGSL contract (see `wgsl` below). The text declares, at `@group(PROGRAM_BIND_GROUP)`:
 *   @binding(0) var<uniform> <params>: array<vec4<u32>, N>;   // paramWords(), N >= 1
 *   @binding(1) var<storage, read> <tensors>: array<u32>;      // tensorWords(), length >= 1
 * and defines
 *   fn mask_mod(b: i32, h: i32, q_idx: i32, kv_idx: i32) -> bool
 *   fn score_mod(score: f32, b: i32, h: i32, q_idx: i32, kv_idx: i32) -> f32
 * (score_mod returns `score` when the program has none). Every other identifier it declares is
 * prefixed `fm_`, so a kernel that avoids that prefix cannot collide. The text depends only on the
 * program's structure, never on parameter or tensor values: a slider change gives the same text,
 * so kernels cache pipelines by it and only rewrite the buffers.
 *
 * `wgslBounds` is more WGSL to append after `wgsl` (it uses the same bindings and declares no
 * binding or helper of its own outside the `fm_` prefix). It defines
 *   fn mask_mod_bounds(b: i32, h: i32, q_lo: i32, q_hi: i32, kv_lo: i32, kv_hi: i32) -> u32
 * which returns 0 when mask_mod is certainly False for every q in [q_lo, q_hi] and kv in
 * [kv_lo, kv_hi] (inclusive, lo <= hi), 1 when certainly True for all of them, 2 when it cannot
 * tell. It is sound (never a wrong 0 or 1) and costs about one mask_mod evaluation plus a scan of
 * the tensor slices the block can index (at most 4096 elements per read), so a kernel can skip
 * evaluating every element of blocks it proves empty or full.
 */
export const PROGRAM_BIND_GROUP = 1;
// gpu/resources.ts restates this number as PROGRAM_GROUP (gpu/ may import only types from app/),
// typed `typeof PROGRAM_BIND_GROUP`, so the two cannot differ and still compile.

export interface CompiledProgram {
  source: string;
  params: ParamInfo[];
  tensors: TensorInfo[];
  hasScoreMod: boolean;
  maskDeps: Dependence;
  scoreDeps: Dependence;
  wgsl: string;
  /** `mask_mod_bounds` (see the WGSL contract above): append it to `wgsl`. Always present. */
  wgslBounds: string;
  /** Uniform contents: every parameter as one 32-bit word (i32, f32 or 0/1), padded to 16 bytes. */
  paramWords: Uint32Array;
  /** Storage contents: every tensor's values packed at its offset; at least one word. */
  tensorWords: Uint32Array;
  /** The CPU back end: same semantics as the WGSL, evaluated over the same checked AST. */
  mask(b: number, h: number, qIdx: number, kvIdx: number): boolean;
  /** Applies score_mod (identity when there is none). Computes in float64. */
  score(score: number, b: number, h: number, qIdx: number, kvIdx: number): number;
  /**
   * `mask` over a tile, the tile back end (tile.ts): for r < rows and c < cols, writes
   * out[r * stride + c] = 1 where mask_mod(b, h, q0 + r, kv0 + c) allows, else 0. Equal to `mask`
   * cell by cell, at a fraction of the cost per cell.
   */
  maskTile(
    b: number,
    h: number,
    q0: number,
    rows: number,
    kv0: number,
    cols: number,
    out: Uint8Array,
    stride: number,
  ): void;
  /**
   * `score` over a tile, in place: for r < rows and c < cols, the cell s = scores[offset +
   * r * stride + c] becomes score(s, b, h, q0 + r, kv0 + c), rounded to f32 by the store.
   */
  scoreTile(
    scores: Float32Array,
    offset: number,
    stride: number,
    b: number,
    h: number,
    q0: number,
    rows: number,
    kv0: number,
    cols: number,
  ): void;
  /**
   * Readable PyTorch code: the program as flexmask ran it and the calls for this shape; or why
   * the export is refused (code that never ran and that flexmask could not check).
   */
  pytorchExport(shape: PytorchExportShape): { code: string; notes: string[] } | { refused: string };
  /** What the program's setup code printed (print()), line by line. */
  printed: string[];
}
