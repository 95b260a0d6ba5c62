/**
 * The WebAssembly code of the flash-attention kernel (cpu/flashKernel.ts wraps it), generated
 * for one shape: head dims, block sizes and strides are constants, the head-dim loop of q.k is
 * unrolled, and every fixed offset sits in a load's or store's immediate.
 *
 * Memory (float32 unless said; offsets are multiples of 16):
 * - kT [D, kvStride]: the keys transposed, so one v128 holds four consecutive keys of one dim;
 * - v [KV, dvStride]: the values, rows padded to whole vectors with zeros;
 * - q [paddedRows, D]: the current rows times the scale; rows past `rows` are zero;
 * - tile [paddedRows, blockKV]: the scores, then the probabilities;
 * - allowed [paddedRows * blockKV] bytes: maskTile's input;
 * - rowMax, rowSum [paddedRows]: the online softmax's running max and sum;
 * - acc [paddedRows, dvStride]: the unnormalised output.
 *
 * Register tiles: q.k computes ROWS rows x 8 keys per step (8 accumulators, each k vector
 * feeding ROWS multiply-adds, each broadcast q value feeding 2); P.V computes ROWS rows x
 * tuning.pvVectors value vectors per key.
 */
import { emitVectorExp, expScratch, multiplyAdd, type MultiplyAdd } from './vectorExp';
import { FunctionBody } from './wasm/functionBody';
import { WASM_PAGE_BYTES, writeModule } from './wasm/moduleWriter';

/** Query rows per register tile (and the granularity rows are padded to). */
export const ROWS = 4;
/**
 * Register-tile choices that only change speed (cpu/flashKernel.bench.ts measures them):
 * value vectors (4 floats each) per P.V tile, and keys per trip of the P.V loop.
 */
export interface KernelTuning {
  pvVectors: number;
  pvUnroll: number;
}
export const DEFAULT_TUNING: Readonly<KernelTuning> = { pvVectors: 2, pvUnroll: 1 };
const BYTES = 4;

export interface KernelShape {
  D: number;
  DV: number;
  blockQ: number;
  blockKV: number;
  KV: number;
}

export interface KernelLayout {
  kvStride: number;
  dvStride: number;
  paddedRows: number;
  kT: number;
  v: number;
  q: number;
  tile: number;
  allowed: number;
  rowMax: number;
  rowSum: number;
  acc: number;
  bytes: number;
}

export function kernelLayout(shape: KernelShape): KernelLayout {
  const { D, DV, blockQ, blockKV, KV } = shape;
  // Tail vectors read up to three keys past the last one.
  const kvStride = roundUp(KV, 4) + 4;
  const dvStride = roundUp(DV, 4);
  const paddedRows = roundUp(blockQ, ROWS);
  let end = 0;
  const take = (bytes: number): number => {
    const at = end;
    end = roundUp(at + bytes, 16);
    return at;
  };
  const kT = take(D * kvStride * BYTES);
  const v = take(KV * dvStride * BYTES);
  const q = take(paddedRows * D * BYTES);
  // + 16: a tail vector of the last row reads up to three floats past it.
  const tile = take(paddedRows * blockKV * BYTES + 16);
  const allowed = take(paddedRows * blockKV + 16);
  const rowMax = take(paddedRows * BYTES);
  const rowSum = take(paddedRows * BYTES);
  const acc = take(paddedRows * dvStride * BYTES);
  return {
    kvStride,
    dvStride,
    paddedRows,
    kT,
    v,
    q,
    tile,
    allowed,
    rowMax,
    rowSum,
    acc,
    bytes: end,
  };
}

export const EXPORTS = {
  scores: 'scores',
  maskTile: 'maskTile',
  accumulate: 'accumulate',
} as const;

/** The kernel module's bytes for `shape`: exports `scores`, `maskTile`, `accumulate`, `memory`. */
export function kernelModule(
  shape: KernelShape,
  relaxed: boolean,
  tuning: Readonly<KernelTuning> = DEFAULT_TUNING,
): Uint8Array<ArrayBuffer> {
  const layout = kernelLayout(shape);
  return writeModule({
    functions: [
      { name: EXPORTS.scores, body: scoresFunction(shape, layout, relaxed) },
      { name: EXPORTS.maskTile, body: maskTileFunction(layout) },
      { name: EXPORTS.accumulate, body: accumulateFunction(shape, layout, relaxed, tuning) },
    ],
    memoryPages: Math.ceil(layout.bytes / WASM_PAGE_BYTES),
  });
}

/**
 * scores(kvStart, cols, rowGroups): tile[r][j] = q[r] . k[kvStart + j] for r < rowGroups * ROWS,
 * j < cols. Columns go 8 at a time, then 4, then a tail of 1 to 3 stored lane by lane, so no
 * store reaches past column `cols` rounded up to 4, nor past the row's end.
 */
function scoresFunction(shape: KernelShape, layout: KernelLayout, relaxed: boolean): FunctionBody {
  const { D, blockKV } = shape;
  const body = new FunctionBody(['i32', 'i32', 'i32']);
  const [kvStart, cols, rowGroups] = [0, 1, 2];
  const group = body.addLocal('i32');
  const qAt = body.addLocal('i32'); // byte offset of the group's first q row, from layout.q
  const tileAt = body.addLocal('i32'); // byte offset of the group's first tile row, from layout.tile
  const j = body.addLocal('i32');
  const kAt = body.addLocal('i32'); // byte offset of key kvStart + j in a kT row, from layout.kT
  const acc = Array.from({ length: ROWS * 2 }, () => body.addLocal('v128'));
  const k = [body.addLocal('v128'), body.addLocal('v128')];
  const qValue = body.addLocal('v128');
  const madd = multiplyAdd(body, relaxed);
  const rowBytes = blockKV * BYTES;

  /** The register tile for `vectors` (1 or 2) vectors of 4 keys at column j. */
  const tileStep = (vectors: number, store: (row: number, vector: number) => void): void => {
    body.localGet(kvStart).localGet(j).i32Add().i32Const(BYTES).i32Mul().localSet(kAt);
    for (let d = 0; d < D; d++) {
      for (let c = 0; c < vectors; c++) {
        body.localGet(kAt).v128Load(layout.kT + (d * layout.kvStride + c * 4) * BYTES);
        body.localSet(k[c]);
      }
      for (let r = 0; r < ROWS; r++) {
        body
          .localGet(qAt)
          .v128Load32Splat(layout.q + (r * D + d) * BYTES)
          .localSet(qValue);
        for (let c = 0; c < vectors; c++) {
          const accumulator = acc[r * 2 + c];
          if (d === 0) {
            body.localGet(qValue).localGet(k[c]).f32x4Mul().localSet(accumulator);
          } else {
            madd(
              () => body.localGet(qValue),
              () => body.localGet(k[c]),
              () => body.localGet(accumulator),
            );
            body.localSet(accumulator);
          }
        }
      }
    }
    for (let r = 0; r < ROWS; r++) for (let c = 0; c < vectors; c++) store(r, c);
  };
  const tileAddress = (): void => {
    body.localGet(tileAt).localGet(j).i32Const(BYTES).i32Mul().i32Add();
  };
  const storeVector = (r: number, c: number): void => {
    tileAddress();
    body.localGet(acc[r * 2 + c]).v128Store(layout.tile + r * rowBytes + c * 16);
  };
  const storeLanes = (r: number): void => {
    for (let lane = 0; lane < 3; lane++) {
      // lane < cols - j
      body.i32Const(lane).localGet(cols).localGet(j).i32Sub().i32LtU();
      body.if(() => {
        tileAddress();
        body.localGet(acc[r * 2]).v128Store32Lane(lane, layout.tile + r * rowBytes + lane * BYTES);
      });
    }
  };
  const jPlus = (n: number) => () => body.localGet(j).i32Const(n).i32Add();

  body.i32Const(0).localSet(qAt).i32Const(0).localSet(tileAt);
  body.whileLoop(
    () => body.localGet(group).localGet(rowGroups).i32LtU(),
    () => {
      body.i32Const(0).localSet(j);
      body.whileLoop(
        () => {
          jPlus(8)();
          body.localGet(cols).i32LeU();
        },
        () => {
          tileStep(2, storeVector);
          jPlus(8)();
          body.localSet(j);
        },
      );
      jPlus(4)();
      body.localGet(cols).i32LeU();
      body.if(() => {
        tileStep(1, storeVector);
        jPlus(4)();
        body.localSet(j);
      });
      body.localGet(j).localGet(cols).i32LtU();
      body.if(() => tileStep(1, (r) => storeLanes(r)));
      body.localGet(group).i32Const(1).i32Add().localSet(group);
      body
        .localGet(qAt)
        .i32Const(ROWS * D * BYTES)
        .i32Add()
        .localSet(qAt);
      body
        .localGet(tileAt)
        .i32Const(ROWS * rowBytes)
        .i32Add()
        .localSet(tileAt);
    },
  );
  return body;
}

/**
 * maskTile(count): tile[i] = -inf where allowed[i] is 0, for i < count (rows * blockKV): four
 * cells at a time (one i32 of four mask bytes, split into lanes), then one at a time.
 */
function maskTileFunction(layout: KernelLayout): FunctionBody {
  const body = new FunctionBody(['i32']);
  const count = 0;
  const i = body.addLocal('i32');
  const minusInfinity = (): void => {
    body.f32x4Const(-Infinity, -Infinity, -Infinity, -Infinity);
  };
  body.whileLoop(
    () => body.localGet(i).i32Const(4).i32Add().localGet(count).i32LeU(),
    () => {
      // Address of the 4 tile cells, for the store.
      body.localGet(i).i32Const(BYTES).i32Mul();
      minusInfinity();
      body.localGet(i).i32Const(BYTES).i32Mul().v128Load(layout.tile);
      // Lane l of the mask: byte l of the loaded i32 is zero.
      body.localGet(i).i32Load(layout.allowed).i32x4Splat();
      body.i32x4Const(0xff, 0xff00, 0xff0000, 0xff000000 | 0).v128And();
      body.i32x4Const(0, 0, 0, 0).i32x4Eq();
      body.v128Bitselect().v128Store(layout.tile);
      body.localGet(i).i32Const(4).i32Add().localSet(i);
    },
  );
  body.whileLoop(
    () => body.localGet(i).localGet(count).i32LtU(),
    () => {
      body.localGet(i).i32Load8U(layout.allowed).i32Eqz();
      body.if(() => {
        body.localGet(i).i32Const(BYTES).i32Mul().f32Const(-Infinity).f32Store(layout.tile);
      });
      body.localGet(i).i32Const(1).i32Add().localSet(i);
    },
  );
  return body;
}

/**
 * accumulate(kvStart, cols, rowGroups): per row, the tile's max joins the running max; the
 * tile becomes p = exp(s - max) (a row with nothing allowed yet uses 0 for the max, so masked
 * cells give exp(-inf) = 0, never NaN); the running sum and the accumulator are rescaled by
 * exp(old max - new max) and the sum gains the row's p. Then acc += P . V[kvStart ..].
 */
function accumulateFunction(
  shape: KernelShape,
  layout: KernelLayout,
  relaxed: boolean,
  tuning: Readonly<KernelTuning>,
): FunctionBody {
  const body = new FunctionBody(['i32', 'i32', 'i32']);
  const madd = multiplyAdd(body, relaxed);
  emitSoftmax(body, madd, shape, layout);
  emitProbabilitiesTimesValues(body, madd, shape, layout, tuning);
  return body;
}

function emitSoftmax(
  body: FunctionBody,
  madd: MultiplyAdd,
  shape: KernelShape,
  layout: KernelLayout,
): void {
  const [cols, rowGroups] = [1, 2];
  const rowBytes = shape.blockKV * BYTES;
  const row = body.addLocal('i32');
  const tileAt = body.addLocal('i32'); // byte offset of the row in the tile, from layout.tile
  const accAt = body.addLocal('i32'); // byte offset of the row in acc, from layout.acc
  const j = body.addLocal('i32');
  const tailMask = body.addLocal('v128'); // lanes < cols % 4 (when there is a tail)
  const max = body.addLocal('v128');
  const x = body.addLocal('v128');
  const sum = body.addLocal('v128');
  const shift = body.addLocal('v128'); // the max subtracted, in every lane
  const oldMax = body.addLocal('f32');
  const newMax = body.addLocal('f32');
  const alpha = body.addLocal('v128');
  const scratch = expScratch(body);
  const minusInfinity = (): void => {
    body.f32x4Const(-Infinity, -Infinity, -Infinity, -Infinity);
  };
  const cellAddress = (): void => {
    body.localGet(tileAt).localGet(j).i32Const(BYTES).i32Mul().i32Add();
  };
  /** x = the tail's four cells, lanes past `cols` replaced by -inf. */
  const loadTail = (): void => {
    cellAddress();
    body.v128Load(layout.tile);
    minusInfinity();
    body.localGet(tailMask).v128Bitselect().localSet(x);
  };
  const hasTail = (): void => {
    body.localGet(j).localGet(cols).i32LtU();
  };
  const fullVectors = (inner: () => void): void => {
    body.i32Const(0).localSet(j);
    body.whileLoop(
      () => body.localGet(j).i32Const(4).i32Add().localGet(cols).i32LeU(),
      () => {
        inner();
        body.localGet(j).i32Const(4).i32Add().localSet(j);
      },
    );
  };

  // The tail mask depends on cols only: lane l is set when l < cols % 4.
  body.localGet(cols).i32Const(3).i32And().i32x4Splat().i32x4Const(0, 1, 2, 3).i32x4GtS();
  body.localSet(tailMask);

  body.whileLoop(
    () => body.localGet(row).localGet(rowGroups).i32Const(ROWS).i32Mul().i32LtU(),
    () => {
      // The tile's max per lane; pmax keeps the running value when a cell is NaN, as the
      // reference's `if (s > max)` does.
      minusInfinity();
      body.localSet(max);
      fullVectors(() => {
        body.localGet(max);
        cellAddress();
        body.v128Load(layout.tile).f32x4Pmax().localSet(max);
      });
      hasTail();
      body.if(() => {
        loadTail();
        body.localGet(max).localGet(x).f32x4Pmax().localSet(max);
      });
      body.localGet(row).i32Const(BYTES).i32Mul().f32Load(layout.rowMax).localTee(oldMax);
      for (let lane = 0; lane < 4; lane++) body.localGet(max).f32x4ExtractLane(lane).f32Max();
      body.localSet(newMax);
      body.localGet(row).i32Const(BYTES).i32Mul().localGet(newMax).f32Store(layout.rowMax);
      // shift = newMax, or 0 while the row has nothing allowed (newMax = -inf).
      body.f32Const(0).localGet(newMax).localGet(newMax).f32Const(-Infinity).f32Eq().select();
      body.f32x4Splat().localSet(shift);
      // alpha = exp(oldMax - shift), in every lane.
      body.localGet(oldMax).f32x4Splat().localGet(shift).f32x4Sub().localSet(x);
      emitVectorExp(body, madd, x, scratch);
      body.localSet(alpha);

      body.f32x4Const(0, 0, 0, 0).localSet(sum);
      const exponentiate = (): void => {
        body.localGet(x).localGet(shift).f32x4Sub().localSet(x);
        emitVectorExp(body, madd, x, scratch);
        body.localSet(x);
        body.localGet(sum).localGet(x).f32x4Add().localSet(sum);
      };
      fullVectors(() => {
        cellAddress();
        body.v128Load(layout.tile).localSet(x);
        exponentiate();
        cellAddress();
        body.localGet(x).v128Store(layout.tile);
      });
      hasTail();
      body.if(() => {
        loadTail();
        exponentiate();
        for (let lane = 0; lane < 3; lane++) {
          body.i32Const(lane).localGet(cols).localGet(j).i32Sub().i32LtU();
          body.if(() => {
            cellAddress();
            body.localGet(x).v128Store32Lane(lane, layout.tile + lane * BYTES);
          });
        }
      });
      // rowSum = rowSum * alpha + (sum of the four lanes).
      body.localGet(row).i32Const(BYTES).i32Mul();
      body.localGet(row).i32Const(BYTES).i32Mul().f32Load(layout.rowSum);
      body.localGet(alpha).f32x4ExtractLane(0).f32Mul();
      body.localGet(sum).f32x4ExtractLane(0).localGet(sum).f32x4ExtractLane(1).f32Add();
      body.localGet(sum).f32x4ExtractLane(2).localGet(sum).f32x4ExtractLane(3).f32Add();
      body.f32Add().f32Add().f32Store(layout.rowSum);
      // acc row *= alpha.
      for (let c = 0; c < layout.dvStride / 4; c++) {
        body.localGet(accAt);
        body
          .localGet(accAt)
          .v128Load(layout.acc + c * 16)
          .localGet(alpha)
          .f32x4Mul();
        body.v128Store(layout.acc + c * 16);
      }
      body.localGet(row).i32Const(1).i32Add().localSet(row);
      body.localGet(tileAt).i32Const(rowBytes).i32Add().localSet(tileAt);
      body
        .localGet(accAt)
        .i32Const(layout.dvStride * BYTES)
        .i32Add()
        .localSet(accAt);
    },
  );
}

/**
 * acc[r][c..c+3] += p[r][j] * v[kvStart + j][c..c+3], as register tiles of ROWS rows by up to
 * tuning.pvVectors value vectors, looping over the keys inside each tile (tuning.pvUnroll keys
 * per trip, then one at a time).
 */
function emitProbabilitiesTimesValues(
  body: FunctionBody,
  madd: MultiplyAdd,
  shape: KernelShape,
  layout: KernelLayout,
  tuning: Readonly<KernelTuning>,
): void {
  const [kvStart, cols, rowGroups] = [0, 1, 2];
  const { pvVectors, pvUnroll } = tuning;
  const rowBytes = shape.blockKV * BYTES;
  const vRowBytes = layout.dvStride * BYTES;
  const group = body.addLocal('i32');
  const pGroupAt = body.addLocal('i32'); // tile byte offset of the group's first row
  const accGroupAt = body.addLocal('i32'); // acc byte offset of the group's first row
  const pAt = body.addLocal('i32');
  const vAt = body.addLocal('i32');
  const pEnd = body.addLocal('i32');
  const acc = Array.from({ length: ROWS * pvVectors }, () => body.addLocal('v128'));
  const values = Array.from({ length: pvVectors }, () => body.addLocal('v128'));
  const p = body.addLocal('v128');
  const vectorsPerRow = layout.dvStride / 4;

  /** One key's contribution: key `step` after pAt / vAt. */
  const keyStep = (first: number, vectors: number, step: number): void => {
    for (let c = 0; c < vectors; c++) {
      body.localGet(vAt).v128Load(layout.v + step * vRowBytes + (first + c) * 16);
      body.localSet(values[c]);
    }
    for (let r = 0; r < ROWS; r++) {
      body
        .localGet(pAt)
        .v128Load32Splat(layout.tile + r * rowBytes + step * BYTES)
        .localSet(p);
      for (let c = 0; c < vectors; c++) {
        const accumulator = acc[r * pvVectors + c];
        madd(
          () => body.localGet(p),
          () => body.localGet(values[c]),
          () => body.localGet(accumulator),
        );
        body.localSet(accumulator);
      }
    }
  };
  const advance = (keys: number): void => {
    body
      .localGet(pAt)
      .i32Const(keys * BYTES)
      .i32Add()
      .localSet(pAt);
    body
      .localGet(vAt)
      .i32Const(keys * vRowBytes)
      .i32Add()
      .localSet(vAt);
  };

  body.whileLoop(
    () => body.localGet(group).localGet(rowGroups).i32LtU(),
    () => {
      for (let first = 0; first < vectorsPerRow; first += pvVectors) {
        const vectors = Math.min(pvVectors, vectorsPerRow - first);
        const accOffset = (r: number, c: number): number =>
          layout.acc + r * vRowBytes + (first + c) * 16;
        for (let r = 0; r < ROWS; r++) {
          for (let c = 0; c < vectors; c++) {
            body
              .localGet(accGroupAt)
              .v128Load(accOffset(r, c))
              .localSet(acc[r * pvVectors + c]);
          }
        }
        body.localGet(pGroupAt).localTee(pAt);
        body.localGet(cols).i32Const(BYTES).i32Mul().i32Add().localSet(pEnd);
        body.localGet(kvStart).i32Const(vRowBytes).i32Mul().localSet(vAt);
        if (pvUnroll > 1) {
          body.whileLoop(
            () =>
              body
                .localGet(pAt)
                .i32Const(pvUnroll * BYTES)
                .i32Add()
                .localGet(pEnd)
                .i32LeU(),
            () => {
              for (let step = 0; step < pvUnroll; step++) keyStep(first, vectors, step);
              advance(pvUnroll);
            },
          );
        }
        body.whileLoop(
          () => body.localGet(pAt).localGet(pEnd).i32LtU(),
          () => {
            keyStep(first, vectors, 0);
            advance(1);
          },
        );
        for (let r = 0; r < ROWS; r++) {
          for (let c = 0; c < vectors; c++) {
            body
              .localGet(accGroupAt)
              .localGet(acc[r * pvVectors + c])
              .v128Store(accOffset(r, c));
          }
        }
      }
      body.localGet(group).i32Const(1).i32Add().localSet(group);
      body
        .localGet(pGroupAt)
        .i32Const(ROWS * rowBytes)
        .i32Add()
        .localSet(pGroupAt);
      body
        .localGet(accGroupAt)
        .i32Const(ROWS * vRowBytes)
        .i32Add()
        .localSet(accGroupAt);
    },
  );
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}
