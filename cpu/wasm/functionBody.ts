import { float32Bytes, signedLeb128, unsignedLeb128 } from './leb128';

/** The value types the kernels use, with their binary codes. */
export type ValueType = 'i32' | 'f32' | 'v128';
export const VALUE_TYPE_CODES: Readonly<Record<ValueType, number>> = {
  i32: 0x7f,
  f32: 0x7d,
  v128: 0x7b,
};

/** The 0xfd prefix that every SIMD instruction starts with; the opcode after it is LEB128. */
const SIMD = 0xfd;
/** The block type of a block, loop or if that leaves nothing on the stack. */
const EMPTY_BLOCK = 0x40;
/** log2 of the natural alignment of each access width (an alignment hint, never a trap). */
const ALIGN_32 = 2;
const ALIGN_128 = 4;
const ALIGN_8 = 0;

/**
 * One function's code, written instruction by instruction with a method per opcode (only the
 * opcodes the kernels use), plus structured helpers for blocks and loops. The opcode numbers are
 * those of the WebAssembly core specification (MVP and fixed-width SIMD) and of the relaxed-SIMD
 * proposal; each method names its instruction in the text format.
 *
 * Methods return `this` so short sequences read in stack order:
 * `body.localGet(a).localGet(b).f32x4Add().localSet(c)`.
 */
export class FunctionBody {
  private readonly localTypes: ValueType[] = [];
  private readonly code: number[] = [];

  constructor(
    readonly params: readonly ValueType[],
    readonly results: readonly ValueType[] = [],
  ) {}

  /** A new local of `type`; returns its index (parameters come first). */
  addLocal(type: ValueType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  /** The function body as the code section holds it: size, locals, instructions, `end`. */
  encode(): number[] {
    // Locals are declared as runs of one type: (count, type) pairs.
    const runs: { type: ValueType; count: number }[] = [];
    for (const type of this.localTypes) {
      const last = runs.at(-1);
      if (last && last.type === type) last.count++;
      else runs.push({ type, count: 1 });
    }
    const declarations = runs.flatMap((run) => [
      ...unsignedLeb128(run.count),
      VALUE_TYPE_CODES[run.type],
    ]);
    const body = [...unsignedLeb128(runs.length), ...declarations, ...this.code, 0x0b];
    return [...unsignedLeb128(body.length), ...body];
  }

  // ---- structure ----------------------------------------------------------------------------

  /** `block ... end`: a `br` to it (depth counted from inside) jumps past its end. */
  block(inner: () => void): this {
    this.code.push(0x02, EMPTY_BLOCK);
    inner();
    this.code.push(0x0b);
    return this;
  }

  /** `loop ... end`: a `br` to it jumps back to its start. */
  loop(inner: () => void): this {
    this.code.push(0x03, EMPTY_BLOCK);
    inner();
    this.code.push(0x0b);
    return this;
  }

  /** `if ... end`, popping the i32 condition. */
  if(inner: () => void): this {
    this.code.push(0x04, EMPTY_BLOCK);
    inner();
    this.code.push(0x0b);
    return this;
  }

  /**
   * A while loop: `condition` pushes an i32, `inner` runs while it is non-zero. Inside `inner`,
   * depth 0 is the loop (continue) and depth 1 the enclosing block (break).
   */
  whileLoop(condition: () => void, inner: () => void): this {
    return this.block(() =>
      this.loop(() => {
        condition();
        this.i32Eqz().brIf(1);
        inner();
        this.br(0);
      }),
    );
  }

  br(depth: number): this {
    return this.op(0x0c, ...unsignedLeb128(depth));
  }

  brIf(depth: number): this {
    return this.op(0x0d, ...unsignedLeb128(depth));
  }

  select(): this {
    return this.op(0x1b);
  }

  // ---- locals and constants -----------------------------------------------------------------

  localGet(index: number): this {
    return this.op(0x20, ...unsignedLeb128(index));
  }

  localSet(index: number): this {
    return this.op(0x21, ...unsignedLeb128(index));
  }

  localTee(index: number): this {
    return this.op(0x22, ...unsignedLeb128(index));
  }

  i32Const(value: number): this {
    return this.op(0x41, ...signedLeb128(value));
  }

  f32Const(value: number): this {
    return this.op(0x43, ...float32Bytes(value));
  }

  /** `v128.const` with four float32 lanes. */
  f32x4Const(a: number, b: number, c: number, d: number): this {
    return this.simd(
      0x0c,
      ...float32Bytes(a),
      ...float32Bytes(b),
      ...float32Bytes(c),
      ...float32Bytes(d),
    );
  }

  /** `v128.const` with four i32 lanes. */
  i32x4Const(a: number, b: number, c: number, d: number): this {
    const bytes: number[] = [];
    for (const lane of [a, b, c, d]) {
      bytes.push(lane & 0xff, (lane >>> 8) & 0xff, (lane >>> 16) & 0xff, (lane >>> 24) & 0xff);
    }
    return this.simd(0x0c, ...bytes);
  }

  // ---- scalar memory and arithmetic ---------------------------------------------------------

  /** `i32.load8_u offset=...` */
  i32Load8U(offset = 0): this {
    return this.op(0x2d, ALIGN_8, ...unsignedLeb128(offset));
  }

  i32Load(offset = 0): this {
    return this.op(0x28, ALIGN_32, ...unsignedLeb128(offset));
  }

  f32Load(offset = 0): this {
    return this.op(0x2a, ALIGN_32, ...unsignedLeb128(offset));
  }

  f32Store(offset = 0): this {
    return this.op(0x38, ALIGN_32, ...unsignedLeb128(offset));
  }

  i32Eqz(): this {
    return this.op(0x45);
  }

  i32LtU(): this {
    return this.op(0x49);
  }

  i32LeU(): this {
    return this.op(0x4d);
  }

  i32Add(): this {
    return this.op(0x6a);
  }

  i32Sub(): this {
    return this.op(0x6b);
  }

  i32Mul(): this {
    return this.op(0x6c);
  }

  i32And(): this {
    return this.op(0x71);
  }

  f32Eq(): this {
    return this.op(0x5b);
  }

  f32Add(): this {
    return this.op(0x92);
  }

  f32Mul(): this {
    return this.op(0x94);
  }

  f32Max(): this {
    return this.op(0x97);
  }

  // ---- SIMD memory ---------------------------------------------------------------------------

  v128Load(offset = 0): this {
    return this.simd(0x00, ALIGN_128, ...unsignedLeb128(offset));
  }

  /** `v128.load32_splat`: one float (or i32) from memory into all four lanes. */
  v128Load32Splat(offset = 0): this {
    return this.simd(0x09, ALIGN_32, ...unsignedLeb128(offset));
  }

  v128Store(offset = 0): this {
    return this.simd(0x0b, ALIGN_128, ...unsignedLeb128(offset));
  }

  /** `v128.store32_lane`: stores one 32-bit lane. */
  v128Store32Lane(lane: number, offset = 0): this {
    return this.simd(0x5a, ALIGN_32, ...unsignedLeb128(offset), lane);
  }

  // ---- SIMD lanes, bits and comparisons -----------------------------------------------------

  i32x4Splat(): this {
    return this.simd(0x11);
  }

  f32x4Splat(): this {
    return this.simd(0x13);
  }

  f32x4ExtractLane(lane: number): this {
    return this.simd(0x1f, lane);
  }

  i32x4Eq(): this {
    return this.simd(0x37);
  }

  i32x4GtS(): this {
    return this.simd(0x3b);
  }

  f32x4Lt(): this {
    return this.simd(0x43);
  }

  v128And(): this {
    return this.simd(0x4e);
  }

  /** `v128.andnot a b` = a & ~b. */
  v128AndNot(): this {
    return this.simd(0x4f);
  }

  /** `v128.bitselect a b mask`: bits of a where mask is 1, of b where it is 0. */
  v128Bitselect(): this {
    return this.simd(0x52);
  }

  // ---- SIMD arithmetic ------------------------------------------------------------------------

  f32x4Nearest(): this {
    return this.simd(0x6a);
  }

  i32x4Shl(): this {
    return this.simd(0xab);
  }

  i32x4Add(): this {
    return this.simd(0xae);
  }

  f32x4Add(): this {
    return this.simd(0xe4);
  }

  f32x4Sub(): this {
    return this.simd(0xe5);
  }

  f32x4Mul(): this {
    return this.simd(0xe6);
  }

  /** `f32x4.pmin a b` = b < a ? b : a (a NaN in a survives; one in b is dropped). */
  f32x4Pmin(): this {
    return this.simd(0xea);
  }

  /** `f32x4.pmax a b` = a < b ? b : a (a NaN in a survives; one in b is dropped). */
  f32x4Pmax(): this {
    return this.simd(0xeb);
  }

  i32x4TruncSatF32x4S(): this {
    return this.simd(0xf8);
  }

  /** Relaxed SIMD `f32x4.relaxed_madd a b c` = a * b + c, fused or not as the CPU prefers. */
  f32x4RelaxedMadd(): this {
    return this.simd(0x105);
  }

  private op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  private simd(opcode: number, ...immediates: number[]): this {
    return this.op(SIMD, ...unsignedLeb128(opcode), ...immediates);
  }
}
