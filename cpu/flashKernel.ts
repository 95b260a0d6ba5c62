/**
 * The CPU engine's flash-attention kernel: block-sparse attention of one head's query block
 * against chosen key tiles, in WebAssembly with 128-bit SIMD, float32, specialised at creation
 * to the shape (cpu/flashKernelCode.ts holds the code). The engine drives it per query block:
 *
 *   setKeys (once per kv head) → beginRows → for each visited kv block:
 *     scores → [score_mod and masks through `tile` / maskTile] → accumulate → finishRows.
 *
 * Conventions follow the float64 reference (app/reference/attention.ts): scores are
 * scale * q.k; the softmax is natural-base; a row with no allowed key gives out 0 and lse -inf;
 * -inf (from a mask or a score_mod) is a masked cell. NaN: the running max skips NaN scores as
 * the reference's `s > max` test does, and a NaN score then makes its row's p, sum and output
 * NaN, as there; a row whose every score is NaN or -inf gives out 0 and lse -inf, as there.
 * A +inf score makes its row NaN, as there (inf - inf).
 */
import {
  DEFAULT_TUNING,
  EXPORTS,
  ROWS,
  kernelLayout,
  kernelModule,
  type KernelLayout,
  type KernelTuning,
} from './flashKernelCode';
import { FunctionBody } from './wasm/functionBody';
import { writeModule } from './wasm/moduleWriter';

export interface FlashKernelSizes {
  /** Query/key head dim (any integer >= 1). */
  D: number;
  /** Value head dim (any integer >= 1). */
  DV: number;
  /** Most query rows per beginRows. */
  blockQ: number;
  /** Most keys per scores / accumulate call (the tile width, and the tile's row stride). */
  blockKV: number;
  /** Keys per head: setKeys copies KV keys and values. */
  KV: number;
}

export interface FlashKernel {
  /**
   * Copies keys [kvStart, kvStart + count) of one kv head, whose keys [KV, D] and values [KV, DV]
   * start at the offsets (row-major), into the kernel; the other keys keep what they held, so a
   * caller loads only the key blocks it visits. The default is every key.
   */
  setKeys(
    k: Float32Array,
    kOffset: number,
    v: Float32Array,
    vOffset: number,
    kvStart?: number,
    count?: number,
  ): void;
  /**
   * Starts `rows` (<= blockQ) query rows [rows, D] read from q at qOffset; resets the running
   * max, sum and accumulator. `scale` multiplies q.k.
   */
  beginRows(q: Float32Array, qOffset: number, rows: number, scale: number): void;
  /** Scores of the current rows against keys [kvStart, kvStart + cols), cols <= blockKV, into `tile`. */
  scores(kvStart: number, cols: number): void;
  /**
   * The score tile, row-major with row stride blockKV: a view of the kernel's memory
   * (blockQ * blockKV floats). Cells may be overwritten between scores() and accumulate()
   * (score_mod, masks). The memory never grows, so the view stays valid.
   */
  readonly tile: Float32Array;
  /** Sets every tile cell whose byte in `allowed` (row-major, stride blockKV, >= rows * blockKV bytes) is 0 to -inf. */
  maskTile(allowed: Uint8Array): void;
  /** Online softmax over the tile's first `cols` columns, then P.V into the accumulator (keys kvStart..). */
  accumulate(kvStart: number, cols: number): void;
  /** Writes the rows' output [rows, DV] and lse [rows] (natural log) at the offsets. */
  finishRows(out: Float32Array, outOffset: number, lse: Float32Array, lseOffset: number): void;
  /** Whether this kernel uses relaxed SIMD's multiply-add. */
  readonly relaxed: boolean;
  /** Bytes of WebAssembly memory the kernel holds. */
  readonly memoryBytes: number;
}

export interface FlashKernelOptions {
  /** Use relaxed SIMD's multiply-add; defaults to hasRelaxedSimd(). */
  relaxed?: boolean;
  /** Register-tile choices that change only speed (for the bench); defaults are measured best. */
  tuning?: Partial<KernelTuning>;
}

/**
 * A kernel for `sizes`. Compiles synchronously: call it in a worker (Chromium refuses
 * synchronous compiles of modules over 4 KB on the main thread). Asking for relaxed SIMD where
 * it is missing throws.
 */
export function createFlashKernel(
  sizes: FlashKernelSizes,
  options: FlashKernelOptions = {},
): FlashKernel {
  checkSizes(sizes);
  const relaxed = options.relaxed ?? hasRelaxedSimd();
  if (relaxed && !hasRelaxedSimd()) {
    throw new Error('createFlashKernel: relaxed SIMD was asked for, but this engine lacks it');
  }
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };
  const module = new WebAssembly.Module(kernelModule(sizes, relaxed, tuning));
  const instance = new WebAssembly.Instance(module);
  return new WasmFlashKernel(sizes, kernelLayout(sizes), instance, relaxed);
}

let relaxedSimd: boolean | null = null;

/** Whether this engine validates `f32x4.relaxed_madd` (cached after the first call). */
export function hasRelaxedSimd(): boolean {
  if (relaxedSimd === null) {
    const body = new FunctionBody([], ['v128']);
    body.f32x4Const(1, 1, 1, 1).f32x4Const(2, 2, 2, 2).f32x4Const(3, 3, 3, 3);
    body.f32x4RelaxedMadd();
    relaxedSimd = WebAssembly.validate(
      writeModule({ functions: [{ name: 'f', body }], memoryPages: 0 }),
    );
  }
  return relaxedSimd;
}

type KernelCall = (...args: number[]) => unknown;

class WasmFlashKernel implements FlashKernel {
  readonly tile: Float32Array;
  readonly memoryBytes: number;
  private readonly floats: Float32Array;
  private readonly bytes: Uint8Array;
  private readonly scoresCall: KernelCall;
  private readonly maskCall: KernelCall;
  private readonly accumulateCall: KernelCall;
  private rows = 0;

  constructor(
    private readonly sizes: FlashKernelSizes,
    private readonly layout: KernelLayout,
    instance: WebAssembly.Instance,
    readonly relaxed: boolean,
  ) {
    const memory = instance.exports.memory;
    if (!(memory instanceof WebAssembly.Memory)) throw new Error('kernel module: no memory');
    this.floats = new Float32Array(memory.buffer);
    this.bytes = new Uint8Array(memory.buffer);
    this.memoryBytes = memory.buffer.byteLength;
    this.tile = new Float32Array(memory.buffer, layout.tile, sizes.blockQ * sizes.blockKV);
    this.scoresCall = exportedFunction(instance, EXPORTS.scores);
    this.maskCall = exportedFunction(instance, EXPORTS.maskTile);
    this.accumulateCall = exportedFunction(instance, EXPORTS.accumulate);
  }

  setKeys(
    k: Float32Array,
    kOffset: number,
    v: Float32Array,
    vOffset: number,
    kvStart = 0,
    count = this.sizes.KV - kvStart,
  ): void {
    const { D, DV, KV } = this.sizes;
    const { kvStride, dvStride } = this.layout;
    this.checkColumns('setKeys', kvStart, count, KV);
    checkRange('setKeys: k', k, kOffset, KV * D);
    checkRange('setKeys: v', v, vOffset, KV * DV);
    const floats = this.floats;
    const kT = this.layout.kT / 4;
    const end = kvStart + count;
    for (let d = 0; d < D; d++) {
      const row = kT + d * kvStride;
      for (let kv = kvStart; kv < end; kv++) floats[row + kv] = k[kOffset + kv * D + d];
    }
    const vBase = this.layout.v / 4;
    if (dvStride === DV) {
      floats.set(v.subarray(vOffset + kvStart * DV, vOffset + end * DV), vBase + kvStart * DV);
    } else {
      // The padding columns stay zero from creation.
      for (let kv = kvStart; kv < end; kv++) {
        floats.set(v.subarray(vOffset + kv * DV, vOffset + (kv + 1) * DV), vBase + kv * dvStride);
      }
    }
  }

  beginRows(q: Float32Array, qOffset: number, rows: number, scale: number): void {
    const { D, blockQ } = this.sizes;
    if (!Number.isInteger(rows) || rows < 0 || rows > blockQ) {
      throw new RangeError(`beginRows: rows = ${rows}, but blockQ = ${blockQ}`);
    }
    checkRange('beginRows: q', q, qOffset, rows * D);
    this.rows = rows;
    const padded = roundUp(rows, ROWS);
    const floats = this.floats;
    const qBase = this.layout.q / 4;
    for (let i = 0; i < rows * D; i++) floats[qBase + i] = q[qOffset + i] * scale;
    floats.fill(0, qBase + rows * D, qBase + padded * D);
    floats.fill(-Infinity, this.layout.rowMax / 4, this.layout.rowMax / 4 + padded);
    floats.fill(0, this.layout.rowSum / 4, this.layout.rowSum / 4 + padded);
    floats.fill(0, this.layout.acc / 4, this.layout.acc / 4 + padded * this.layout.dvStride);
  }

  scores(kvStart: number, cols: number): void {
    this.checkColumns('scores', kvStart, cols);
    this.scoresCall(kvStart, cols, this.rowGroups());
  }

  maskTile(allowed: Uint8Array): void {
    const count = this.rows * this.sizes.blockKV;
    if (allowed.length < count) {
      throw new RangeError(`maskTile: ${allowed.length} bytes, but rows * blockKV = ${count}`);
    }
    this.bytes.set(allowed.subarray(0, count), this.layout.allowed);
    this.maskCall(count);
  }

  accumulate(kvStart: number, cols: number): void {
    this.checkColumns('accumulate', kvStart, cols);
    this.accumulateCall(kvStart, cols, this.rowGroups());
  }

  finishRows(out: Float32Array, outOffset: number, lse: Float32Array, lseOffset: number): void {
    const { DV } = this.sizes;
    const rows = this.rows;
    checkRange('finishRows: out', out, outOffset, rows * DV);
    checkRange('finishRows: lse', lse, lseOffset, rows);
    const floats = this.floats;
    const { rowMax, rowSum, acc, dvStride } = this.layout;
    for (let r = 0; r < rows; r++) {
      const max = floats[rowMax / 4 + r];
      const at = outOffset + r * DV;
      if (max === -Infinity) {
        // No allowed key: PyTorch's out 0 and lse -inf.
        out.fill(0, at, at + DV);
        lse[lseOffset + r] = -Infinity;
        continue;
      }
      const sum = floats[rowSum / 4 + r];
      const accRow = acc / 4 + r * dvStride;
      for (let d = 0; d < DV; d++) out[at + d] = floats[accRow + d] / sum;
      lse[lseOffset + r] = max + Math.log(sum);
    }
  }

  private rowGroups(): number {
    return Math.ceil(this.rows / ROWS);
  }

  /** Keys [kvStart, kvStart + cols) must lie in [0, KV), at most `widest` of them. */
  private checkColumns(
    what: string,
    kvStart: number,
    cols: number,
    widest = this.sizes.blockKV,
  ): void {
    const { KV } = this.sizes;
    if (
      !Number.isInteger(kvStart) ||
      !Number.isInteger(cols) ||
      kvStart < 0 ||
      cols < 0 ||
      cols > widest ||
      kvStart + cols > KV
    ) {
      throw new RangeError(
        `${what}: keys [${kvStart}, ${kvStart + cols}) do not fit KV = ${KV}, at most ${widest} at once`,
      );
    }
  }
}

function exportedFunction(instance: WebAssembly.Instance, name: string): KernelCall {
  const value = instance.exports[name];
  if (typeof value !== 'function') throw new Error(`kernel module: no function ${name}`);
  return value as KernelCall;
}

function checkSizes(sizes: FlashKernelSizes): void {
  for (const key of ['D', 'DV', 'blockQ', 'blockKV', 'KV'] as const) {
    const value = sizes[key];
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`createFlashKernel: ${key} = ${value}, but it must be an integer >= 1`);
    }
  }
}

function checkRange(what: string, array: Float32Array, offset: number, length: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + length > array.length) {
    throw new RangeError(
      `${what}: [${offset}, ${offset + length}) is outside its ${array.length} values`,
    );
  }
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}
