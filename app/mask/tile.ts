/**
 * The tile back end: computes mask_mod or score_mod over a whole block of cells (rows of q_idx
 * times columns of kv_idx) at once. Each IR node is one tight typed-array loop over the tile, so
 * the per-node dispatch that the CPU back end (cpu.ts) pays on every cell is paid once per node
 * per strip of rows here.
 *
 * It computes exactly what cpu.ts computes, bit for bit: the same semantics functions, f32
 * rounding after every float operation in the mask evaluator and float64 in the score evaluator,
 * the same tensor-read rules. Every operation is pure and total (semantics.ts defines a result
 * where Python would raise), so computing both arms of a `select` and both sides of `and` / `or`
 * for every cell gives the same values as cpu.ts's lazy evaluation; shared nodes are computed once
 * per strip as a matter of course, since each node is one step.
 *
 * A node's values vary with q_idx, with kv_idx, with both, or with neither (its "extent"): a node
 * that reads neither is computed once per strip, one that reads only q_idx once per row, one that
 * reads only kv_idx once per column. Tiles are cut into strips of about STRIP_CELLS cells so the
 * buffers stay in cache whatever the tile size; buffers are reused once no later step reads them.
 */
import type { CheckedProgram } from './eval/program';
import { children, MAX_TENSOR_RANK, postOrder, type Ir } from './ir';
import { floatMath, intMath, toF32, toF64, wrapIndex } from './semantics';
import type { Precision } from './cpu';
import type { CompiledProgram } from './types';
import { rowOpOf } from './tileRowOps';

/** Bits of a node's extent: its value changes from row to row (q_idx), from column to column. */
const BY_ROW = 1;
const BY_COL = 2;

/** About how many cells one strip holds: 32 KB per float64 buffer. */
const STRIP_CELLS = 4096;

/** Where one step reads its operands and writes its values, for the strip being computed. */
interface Strip {
  regs: Float64Array[];
  /** Rows and columns in this strip. */
  rows: number;
  cols: number;
  b: number;
  h: number;
  /** q_idx of the strip's first row, kv_idx of its first column. */
  q0: number;
  kv0: number;
  /** score_mod's input: the strip's first row at `scoreOffset`, rows `scoreStride` apart. */
  scores: Float32Array;
  scoreOffset: number;
  scoreStride: number;
}

/** One node's loop over a strip. */
type Step = (s: Strip) => void;

/** A node's operand as a step reads it: its register and how its index moves per row and column. */
interface Operand {
  reg: number;
  extent: number;
}

/** The element of `extent`'s buffer at (r, c) is at r * rowStep + c * colStep. */
function rowStep(extent: number, cols: number): number {
  if ((extent & BY_ROW) === 0) return 0;
  return (extent & BY_COL) !== 0 ? cols : 1;
}
function colStep(extent: number): number {
  return (extent & BY_COL) !== 0 ? 1 : 0;
}
function rowsOf(extent: number, s: Strip): number {
  return (extent & BY_ROW) !== 0 ? s.rows : 1;
}
function colsOf(extent: number, s: Strip): number {
  return (extent & BY_COL) !== 0 ? s.cols : 1;
}

/** A compiled entry point: the steps in order, the register of the result and its extent. */
export interface TileFunction {
  /**
   * Evaluates over rows x cols cells, q_idx from q0 and kv_idx from kv0, calling `emit` once per
   * strip with the result's buffer; the result of (r, c) of the strip (rows from `rowStart`) is
   * at r * rowStep + c * colStep of that buffer.
   */
  run(
    b: number,
    h: number,
    q0: number,
    rows: number,
    kv0: number,
    cols: number,
    scores: Float32Array | null,
    scoreOffset: number,
    scoreStride: number,
    emit: (result: Float64Array, rowStart: number, rows: number, rs: number, cs: number) => void,
  ): void;
}

export function buildTileFunction(
  root: Ir,
  program: Pick<CheckedProgram, 'tensors' | 'params'>,
  precision: Precision,
): TileFunction {
  const f32 = precision === 'f32';
  const r = f32 ? toF32 : toF64;
  const tensorData = program.tensors.map((t) =>
    t.type === 'float' ? Float64Array.from(t.values, (v) => r(v)) : Int32Array.from(t.values),
  );
  const paramValues = program.params.map((p) => (p.type === 'float' ? r(p.value) : p.value));

  const order = postOrder(root);
  // How many parents read each node.
  const readers = new Map<number, number>();
  for (const node of order) {
    for (const c of children(node)) readers.set(c.id, (readers.get(c.id) ?? 0) + 1);
  }
  // A register is freed once every read of it is done. A cast that changes no value shares its
  // operand's register (no step, no pass over the tile), so reads are counted per register owner.
  const ownerOf = new Map<number, number>();
  const pending = new Map<number, number>();
  const operands = new Map<number, Operand>();
  const free: number[] = [];
  let registerCount = 0;
  const steps: Step[] = [];
  const readDone = (owner: number, reads: number) => {
    const left = (pending.get(owner) ?? 0) - reads;
    pending.set(owner, left);
    if (left === 0 && owner !== root.id) free.push((operands.get(owner) as Operand).reg);
  };
  for (const node of order) {
    if (node.op === 'cast' && castIsIdentity(node, f32)) {
      const owner = ownerOf.get(node.a.id) as number;
      ownerOf.set(node.id, owner);
      operands.set(node.id, operands.get(node.a.id) as Operand);
      // The cast's own readers now read the owner's register; its one read of the operand is done.
      readDone(owner, 1 - (readers.get(node.id) ?? 0));
      continue;
    }
    const args = children(node).map((c) => operands.get(c.id) as Operand);
    const extent = extentOf(node, args);
    const reg = free.pop() ?? registerCount++;
    const out = { reg, extent };
    steps.push(buildStep(node, out, args, f32, tensorData, paramValues, program));
    operands.set(node.id, out);
    ownerOf.set(node.id, node.id);
    pending.set(node.id, readers.get(node.id) ?? 0);
    // Freed after the output is taken, so a step never writes a buffer it reads.
    for (const c of children(node)) readDone(ownerOf.get(c.id) as number, 1);
  }
  const result = operands.get(root.id) as Operand;

  let regs: Float64Array[] = [];
  const strip: Strip = {
    regs,
    rows: 0,
    cols: 0,
    b: 0,
    h: 0,
    q0: 0,
    kv0: 0,
    scores: new Float32Array(0),
    scoreOffset: 0,
    scoreStride: 0,
  };
  return {
    run(b, h, q0, rows, kv0, cols, scores, scoreOffset, scoreStride, emit) {
      if (rows <= 0 || cols <= 0) return;
      const capacity = Math.max(STRIP_CELLS, cols);
      if (regs.length === 0 || regs[0].length < capacity) {
        regs = Array.from({ length: registerCount }, () => new Float64Array(capacity));
        strip.regs = regs;
      }
      const stripRows = Math.max(1, Math.floor(capacity / cols));
      strip.b = b | 0;
      strip.h = h | 0;
      strip.kv0 = kv0;
      strip.cols = cols;
      strip.scores = scores ?? strip.scores;
      strip.scoreStride = scoreStride;
      const count = steps.length;
      for (let start = 0; start < rows; start += stripRows) {
        strip.rows = Math.min(stripRows, rows - start);
        strip.q0 = q0 + start;
        strip.scoreOffset = scoreOffset + start * scoreStride;
        for (let k = 0; k < count; k++) steps[k](strip);
        emit(
          regs[result.reg],
          start,
          strip.rows,
          rowStep(result.extent, cols),
          colStep(result.extent),
        );
      }
    },
  };
}

/**
 * A cast whose values equal its operand's, as cpu.ts computes it: anything but a cast to bool or
 * an int-to-float cast in the f32 mask evaluator (which rounds).
 */
function castIsIdentity(node: Extract<Ir, { op: 'cast' }>, f32: boolean): boolean {
  if (node.type === 'bool') return false;
  return !(node.type === 'float' && node.a.type === 'int' && f32);
}

function extentOf(node: Ir, args: Operand[]): number {
  if (node.op === 'arg') {
    if (node.name === 'q_idx') return BY_ROW;
    if (node.name === 'kv_idx') return BY_COL;
    return node.name === 'score' ? BY_ROW | BY_COL : 0;
  }
  return args.reduce((e, a) => e | a.extent, 0);
}

function buildStep(
  node: Ir,
  out: Operand,
  args: Operand[],
  f32: boolean,
  tensorData: (Int32Array | Float64Array)[],
  paramValues: number[],
  program: Pick<CheckedProgram, 'tensors'>,
): Step {
  const r = f32 ? toF32 : toF64;
  const o = out.reg;
  switch (node.op) {
    case 'const': {
      const v = node.type === 'float' ? r(node.value) : node.value;
      return (s) => {
        s.regs[o][0] = v;
      };
    }
    case 'param': {
      const v = paramValues[node.index];
      return (s) => {
        s.regs[o][0] = v;
      };
    }
    case 'arg':
      return argStep(node.name, o, f32);
    case 'tensor':
      return tensorStep(node, out, args, tensorData, program);
    case 'unary': {
      const code = node.fn === 'not' ? 'not' : node.fn === 'bitnot' ? 'bitnot' : node.type;
      return unaryStep(out, args[0], (x) => x, code);
    }
    case 'cast': {
      const from = node.a.type;
      if (node.type === 'bool') return unaryStep(out, args[0], (x) => x, 'truth');
      // int to float: exact in float64, one f32 rounding in the mask evaluator.
      if (node.type === 'float' && from === 'int') {
        return unaryStep(out, args[0], (x) => x, f32 ? 'fround' : 'copy');
      }
      return unaryStep(out, args[0], (x) => x, 'copy');
    }
    case 'select':
      return selectStep(out, args);
    case 'call': {
      if (node.fn === 'min' || node.fn === 'max') return binaryStep(out, args, node.fn, f32);
      const fn = node.type === 'int' ? intMath(node.fn) : floatMath(node.fn, r);
      if (fn === undefined) throw new Error(`${node.fn} of an int`);
      return unaryStep(out, args[0], fn, 'apply');
    }
    case 'binary': {
      const isFloat = node.a.type === 'float';
      return binaryStep(out, args, isFloat ? `f${node.fn}` : node.fn, f32);
    }
  }
}

function argStep(name: Extract<Ir, { op: 'arg' }>['name'], o: number, f32: boolean): Step {
  switch (name) {
    case 'b':
      return (s) => {
        s.regs[o][0] = s.b;
      };
    case 'h':
      return (s) => {
        s.regs[o][0] = s.h;
      };
    case 'q_idx':
      return (s) => {
        const out = s.regs[o];
        for (let i = 0; i < s.rows; i++) out[i] = (s.q0 + i) | 0;
      };
    case 'kv_idx':
      return (s) => {
        const out = s.regs[o];
        for (let i = 0; i < s.cols; i++) out[i] = (s.kv0 + i) | 0;
      };
    case 'score':
      return (s) => {
        const out = s.regs[o];
        const { scores, cols, scoreStride } = s;
        for (let i = 0; i < s.rows; i++) {
          const from = s.scoreOffset + i * scoreStride;
          const at = i * cols;
          if (f32) for (let c = 0; c < cols; c++) out[at + c] = Math.fround(scores[from + c]);
          else for (let c = 0; c < cols; c++) out[at + c] = scores[from + c];
        }
      };
  }
}

type UnaryCode =
  'not' | 'bitnot' | 'int' | 'float' | 'bool' | 'truth' | 'apply' | 'fround' | 'copy';

/** One-operand nodes: `fn` is used by 'apply' only (a math function or a rounding). */
function unaryStep(out: Operand, a: Operand, fn: (x: number) => number, code: UnaryCode): Step {
  const o = out.reg;
  return (s) => {
    const dst = s.regs[o];
    const src = s.regs[a.reg];
    const nr = rowsOf(out.extent, s);
    const nc = colsOf(out.extent, s);
    // Same extent as the operand: both buffers are laid out alike.
    const n = nr * nc;
    switch (code) {
      case 'not':
      case 'bool':
        for (let i = 0; i < n; i++) dst[i] = src[i] === 0 ? 1 : 0;
        return;
      case 'bitnot':
        for (let i = 0; i < n; i++) dst[i] = ~src[i];
        return;
      case 'int':
        for (let i = 0; i < n; i++) dst[i] = -src[i] | 0;
        return;
      case 'float':
        for (let i = 0; i < n; i++) dst[i] = -src[i];
        return;
      case 'truth':
        for (let i = 0; i < n; i++) dst[i] = src[i] !== 0 ? 1 : 0;
        return;
      case 'apply':
        for (let i = 0; i < n; i++) dst[i] = fn(src[i]);
        return;
      case 'fround':
        for (let i = 0; i < n; i++) dst[i] = Math.fround(src[i]);
        return;
      case 'copy':
        for (let i = 0; i < n; i++) dst[i] = src[i];
        return;
    }
  };
}

function selectStep(out: Operand, [c, t, e]: Operand[]): Step {
  const o = out.reg;
  return (s) => {
    const dst = s.regs[o];
    const cv = s.regs[c.reg];
    const tv = s.regs[t.reg];
    const ev = s.regs[e.reg];
    const nr = rowsOf(out.extent, s);
    const nc = colsOf(out.extent, s);
    const [rc, rt, re] = [c, t, e].map((x) => rowStep(x.extent, s.cols));
    const [cc, ct, ce] = [c, t, e].map((x) => colStep(x.extent));
    for (let i = 0; i < nr; i++) {
      const at = i * nc;
      const ic = i * rc;
      const it = i * rt;
      const ie = i * re;
      for (let j = 0; j < nc; j++) {
        dst[at + j] = cv[ic + j * cc] !== 0 ? tv[it + j * ct] : ev[ie + j * ce];
      }
    }
  };
}

function binaryStep(out: Operand, [a, b]: Operand[], name: string, f32: boolean): Step {
  const o = out.reg;
  const op = rowOpOf(name, f32);
  return (s) => {
    const dst = s.regs[o];
    const av = s.regs[a.reg];
    const bv = s.regs[b.reg];
    const nr = rowsOf(out.extent, s);
    const nc = colsOf(out.extent, s);
    const ra = rowStep(a.extent, s.cols);
    const rb = rowStep(b.extent, s.cols);
    const ca = colStep(a.extent);
    const cb = colStep(b.extent);
    for (let i = 0; i < nr; i++) op(dst, i * nc, nc, av, i * ra, ca, bv, i * rb, cb);
  };
}

/** A tensor read: one index operand per axis; indices in [-n, 0) count from the end. */
function tensorStep(
  node: Extract<Ir, { op: 'tensor' }>,
  out: Operand,
  idx: Operand[],
  tensorData: (Int32Array | Float64Array)[],
  program: Pick<CheckedProgram, 'tensors'>,
): Step {
  const data = tensorData[node.tensor];
  const shape = program.tensors[node.tensor].shape;
  if (shape.length !== node.indices.length || shape.length > MAX_TENSOR_RANK) {
    throw new Error(`a read of a ${shape.length}-D tensor with ${node.indices.length} indices`);
  }
  const o = out.reg;
  const rank = shape.length;
  return (s) => {
    const dst = s.regs[o];
    const nr = rowsOf(out.extent, s);
    const nc = colsOf(out.extent, s);
    if (rank === 1) {
      const n0 = shape[0];
      const i0 = s.regs[idx[0].reg];
      const r0 = rowStep(idx[0].extent, s.cols);
      const c0 = colStep(idx[0].extent);
      for (let i = 0; i < nr; i++) {
        const at = i * nc;
        for (let j = 0; j < nc; j++) {
          const a = wrapIndex(i0[i * r0 + j * c0], n0);
          dst[at + j] = a < 0 ? 0 : data[a];
        }
      }
      return;
    }
    if (rank === 2) {
      const [n0, n1] = shape;
      const i0 = s.regs[idx[0].reg];
      const i1 = s.regs[idx[1].reg];
      const r0 = rowStep(idx[0].extent, s.cols);
      const c0 = colStep(idx[0].extent);
      const r1 = rowStep(idx[1].extent, s.cols);
      const c1 = colStep(idx[1].extent);
      for (let i = 0; i < nr; i++) {
        const at = i * nc;
        for (let j = 0; j < nc; j++) {
          const a = wrapIndex(i0[i * r0 + j * c0], n0);
          const c = wrapIndex(i1[i * r1 + j * c1], n1);
          dst[at + j] = a < 0 || c < 0 ? 0 : data[a * n1 + c];
        }
      }
      return;
    }
    const bufs = idx.map((x) => s.regs[x.reg]);
    const rs = idx.map((x) => rowStep(x.extent, s.cols));
    const cs = idx.map((x) => colStep(x.extent));
    for (let i = 0; i < nr; i++) {
      const at = i * nc;
      for (let j = 0; j < nc; j++) {
        // Row-major offset by Horner's rule, as cpu.ts computes it.
        let flat = 0;
        let k = 0;
        for (; k < rank; k++) {
          const a = wrapIndex(bufs[k][i * rs[k] + j * cs[k]], shape[k]);
          if (a < 0) break;
          flat = flat * shape[k] + a;
        }
        dst[at + j] = k < rank ? 0 : data[flat];
      }
    }
  };
}

/** mask_mod over a tile, as CompiledProgram.maskTile states it. */
type MaskTile = CompiledProgram['maskTile'];

/** score_mod over a tile, in place, as CompiledProgram.scoreTile states it. */
type ScoreTile = CompiledProgram['scoreTile'];

export function maskTileOf(fn: TileFunction | null): MaskTile {
  if (!fn) {
    return (_b, _h, _q0, rows, _kv0, cols, out, stride) => {
      for (let r = 0; r < rows; r++) out.fill(1, r * stride, r * stride + cols);
    };
  }
  return (b, h, q0, rows, kv0, cols, out, stride) => {
    fn.run(b, h, q0, rows, kv0, cols, null, 0, 0, (result, rowStart, n, rs, cs) => {
      for (let r = 0; r < n; r++) {
        const at = (rowStart + r) * stride;
        const from = r * rs;
        for (let c = 0; c < cols; c++) out[at + c] = result[from + c * cs] !== 0 ? 1 : 0;
      }
    });
  };
}

/** score_mod of a program over tiles (nothing to do when it has none). */
export function scoreTileOf(fn: TileFunction | null): ScoreTile {
  if (!fn) return () => {};
  return (scores, offset, stride, b, h, q0, rows, kv0, cols) => {
    fn.run(b, h, q0, rows, kv0, cols, scores, offset, stride, (result, rowStart, n, rs, cs) => {
      for (let r = 0; r < n; r++) {
        const at = offset + (rowStart + r) * stride;
        const from = r * rs;
        for (let c = 0; c < cols; c++) scores[at + c] = result[from + c * cs];
      }
    });
  };
}
