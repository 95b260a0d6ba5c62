/**
 * The math functions (MathFn) on programs built as IR: the CPU back end in float64 and f32, the
 * WGSL it prints, and the bounds of the int ones. The WGSL helpers' accuracy is measured in
 * wgslMath.test.ts.
 */
import { describe, expect, test } from 'vitest';
import type { MathFn } from './ir';
import { backEnds, irProgram, TestIr } from '../../testing/irPrograms';
import { floatMath, toF32, toF64 } from './semantics';

describe('math functions on the CPU back end', () => {
  /** fn(x) as the score back end (float64) and the mask back end (f32) compute it. */
  function evaluate(
    fn: MathFn,
    type: 'int' | 'float',
  ): { f64: (x: number) => number; f32: (x: number) => number } {
    const t = new TestIr();
    const x = type === 'float' ? t.arg('score') : t.arg('q_idx');
    const root = t.call(fn, x);
    const run = backEnds(irProgram({ mask: root, score: root }));
    return type === 'float'
      ? { f64: (v) => run.score(v, 0, 0, 0, 0), f32: (v) => run.maskValue(v, 0, 0, 0, 0) }
      : { f64: (v) => run.score(0, 0, 0, v, 0), f32: (v) => run.maskValue(0, 0, 0, v, 0) };
  }

  test('round halves to even, as torch.round; floor, ceil and trunc', () => {
    const round = evaluate('round', 'float');
    const cases: [number, number][] = [
      [0.5, 0],
      [1.5, 2],
      [2.5, 2],
      [-0.5, -0],
      [-1.5, -2],
      [-2.5, -2],
      [2.4999, 2],
      [2.5001, 3],
      [1e20, 1e20],
      [-7, -7],
    ];
    for (const [x, want] of cases) {
      expect(Object.is(round.f64(x), want), `round(${x})`).toBe(true);
      expect(round.f32(x)).toBe(Math.fround(want));
    }
    expect(evaluate('floor', 'float').f64(-2.5)).toBe(-3);
    expect(evaluate('ceil', 'float').f64(-2.5)).toBe(-2);
    expect(evaluate('trunc', 'float').f64(-2.5)).toBe(-2);
  });

  test('sign and relu on floats follow torch at NaN and -0', () => {
    const sign = evaluate('sign', 'float');
    expect([3.5, -0.1, 0, -0, NaN, -Infinity].map(sign.f64)).toEqual([1, -1, 0, 0, 0, -1]);
    const relu = evaluate('relu', 'float');
    expect(relu.f64(-3)).toBe(0);
    expect(relu.f64(2.5)).toBe(2.5);
    expect(relu.f64(NaN)).toBeNaN();
  });

  test('ints: sign, relu, abs wrap as i32, and floor / ceil / round / trunc are the identity', () => {
    const values = [-2147483648, -7, -1, 0, 1, 7, 2147483647];
    expect(values.map(evaluate('sign', 'int').f64)).toEqual([-1, -1, -1, 0, 1, 1, 1]);
    expect(values.map(evaluate('relu', 'int').f32)).toEqual([0, 0, 0, 0, 1, 7, 2147483647]);
    expect(evaluate('abs', 'int').f64(-2147483648)).toBe(-2147483648);
    for (const fn of ['floor', 'ceil', 'round', 'trunc'] as const)
      expect(values.map(evaluate(fn, 'int').f64)).toEqual(values);
  });

  test('sigmoid never overflows; exp2, log2, rsqrt, log1p and expm1', () => {
    const sigmoid = evaluate('sigmoid', 'float');
    expect(sigmoid.f64(0)).toBe(0.5);
    expect(sigmoid.f64(1000)).toBe(1);
    expect(sigmoid.f64(-1000)).toBe(0);
    expect(sigmoid.f64(-100)).toBeCloseTo(3.720075976020836e-44, 58);
    expect(sigmoid.f64(2)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    expect(evaluate('exp2', 'float').f64(-3)).toBe(0.125);
    expect(evaluate('log2', 'float').f64(1024)).toBe(10);
    expect(evaluate('rsqrt', 'float').f64(0.25)).toBe(2);
    expect(evaluate('log1p', 'float').f64(1e-12)).toBe(Math.log1p(1e-12));
    expect(evaluate('expm1', 'float').f32(1e-12)).toBe(Math.fround(1e-12));
  });

  test('erf, gelu and gelu_tanh against their definitions', () => {
    expect(evaluate('erf', 'float').f64(1)).toBeCloseTo(0.8427007929497149, 15);
    const gelu = evaluate('gelu', 'float');
    const geluTanh = evaluate('gelu_tanh', 'float');
    for (const x of [-3, -1, -0.25, 0, 0.5, 1, 2, 4]) {
      const tanhForm = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
      expect(geluTanh.f64(x)).toBeCloseTo(tanhForm, 14);
      // The two GELUs agree to about 1e-3.
      expect(Math.abs(gelu.f64(x) - geluTanh.f64(x))).toBeLessThan(1e-3);
    }
    expect(gelu.f64(1)).toBeCloseTo(0.8413447460685429, 15);
    // f32 rounds each step as torch in float32 does: far tails become exactly 0.
    expect(gelu.f64(-6)).toBeLessThan(0);
    expect(gelu.f32(-6) === 0).toBe(true);
    expect(geluTanh.f64(-6)).toBeLessThan(0);
    expect(geluTanh.f32(-6) === 0).toBe(true);
  });

  test('in f32 every float function gives an f32, within an ulp of float64 for the simple ones', () => {
    const simple: MathFn[] = [
      'exp',
      'exp2',
      'expm1',
      'log',
      'log2',
      'log1p',
      'sqrt',
      'rsqrt',
      'tanh',
      'sin',
      'cos',
      'erf',
    ];
    const all: MathFn[] = [
      ...simple,
      'sigmoid',
      'gelu',
      'gelu_tanh',
      'floor',
      'ceil',
      'round',
      'trunc',
      'sign',
      'relu',
      'abs',
    ];
    const xs = [0.1, 0.7, 1.3, 2.9, 7.25, 33.3, -0.4, -2.2, -9.5].map(Math.fround);
    for (const fn of all) {
      const { f32 } = evaluate(fn, 'float');
      for (const x of xs) {
        const v = f32(x);
        expect(Number.isNaN(v) || Math.fround(v) === v, `${fn}(${x})`).toBe(true);
        if (simple.includes(fn)) {
          const wide = floatMath(fn as Exclude<MathFn, 'min' | 'max'>, toF64)(x);
          expect(v).toBe(floatMath(fn as Exclude<MathFn, 'min' | 'max'>, toF32)(x));
          if (Number.isFinite(wide))
            expect(Math.abs(v - wide)).toBeLessThanOrEqual(Math.abs(wide) * 2 ** -24 + 1e-45);
        }
      }
    }
  });
});

/** Every math function of one argument, and whether it takes ints. */
const UNARY: { fn: MathFn; int: boolean }[] = [
  ...(['abs', 'sign', 'relu', 'floor', 'ceil', 'round', 'trunc'] as const).map((fn) => ({
    fn,
    int: true,
  })),
  ...(
    [
      'exp',
      'exp2',
      'expm1',
      'log',
      'log2',
      'log1p',
      'sqrt',
      'rsqrt',
      'tanh',
      'sigmoid',
      'sin',
      'cos',
      'erf',
      'gelu',
      'gelu_tanh',
    ] as const
  ).map((fn) => ({ fn, int: false })),
];

/** WGSL words the generated text may use besides fm_ names (built-ins, types, helper locals). */
const WGSL_WORDS = new Set(
  `group binding var uniform storage read array vec2 vec4 u32 i32 f32 bool fn let return if else
  select bitcast true false min max abs clamp floor ceil round trunc exp exp2 log log2 sqrt
  inverseSqrt tanh sin cos mask_mod score_mod x y a d e k p q r s t u rk inner i j n n0 n1 n2 n3
  offset i0 i1 i2 i3 a0 a1 a2 a3 c f`.split(/\s+/),
);

describe('math functions in the WGSL', () => {
  test('int functions and float built-ins print inline; sign and relu on floats are helpers', () => {
    const t = new TestIr();
    const s = t.arg('score');
    const q = t.arg('q_idx');
    const ints = t.bin(
      'add',
      t.bin('add', t.call('sign', q), t.call('relu', t.bin('sub', t.arg('kv_idx'), t.int(3)))),
      t.call('floor', t.arg('h')),
    );
    const floats = ['exp2', 'log2', 'rsqrt', 'ceil', 'round', 'trunc', 'sign', 'relu'] as const;
    let score = t.cast('float', ints);
    for (const fn of floats) score = t.bin('add', score, t.call(fn, s));
    expect(backEnds(irProgram({ score })).wgsl).toMatchInlineSnapshot(`
      "// Generated by flexmask from a mask program; every identifier is the compiler's own.
      @group(1) @binding(0) var<uniform> fm_params: array<vec4<u32>, 1>;
      @group(1) @binding(1) var<storage, read> fm_tensors: array<u32>;

      // torch.sign on a float: (0 < x) - (x < 0), so NaN gives 0 as in PyTorch.
      fn fm_signf(x: f32) -> f32 {
        return select(select(0.0f, -1.0f, x < 0.0f), 1.0f, x > 0.0f);
      }

      // torch.relu on a float: only x < 0 becomes 0 (NaN stays NaN).
      fn fm_reluf(x: f32) -> f32 {
        return select(x, 0.0f, x < 0.0f);
      }

      fn mask_mod(fm_b: i32, fm_h: i32, fm_q_idx: i32, fm_kv_idx: i32) -> bool {
        return true;
      }

      fn score_mod(fm_score: f32, fm_b: i32, fm_h: i32, fm_q_idx: i32, fm_kv_idx: i32) -> f32 {
        return ((((((((f32(((clamp(fm_q_idx, -1i, 1i) + max((fm_kv_idx - 3i), 0i)) + fm_h)) + exp2(fm_score)) + log2(fm_score)) + inverseSqrt(fm_score)) + ceil(fm_score)) + round(fm_score)) + trunc(fm_score)) + fm_signf(fm_score)) + fm_reluf(fm_score));
      }
      "
    `);
  });

  test('sigmoid, as printed', () => {
    const t = new TestIr();
    const score = t.call('sigmoid', t.arg('score'));
    expect(backEnds(irProgram({ score })).wgsl).toMatchInlineSnapshot(`
      "// Generated by flexmask from a mask program; every identifier is the compiler's own.
      @group(1) @binding(0) var<uniform> fm_params: array<vec4<u32>, 1>;
      @group(1) @binding(1) var<storage, read> fm_tensors: array<u32>;

      // torch.sigmoid without overflow: e = exp(-|x|) <= 1; 1 / (1 + e) for x >= 0, else e / (1 + e).
      fn fm_sigmoid(x: f32) -> f32 {
        let e = exp(-abs(x));
        let d = 1.0f + e;
        return select(e / d, 1.0f / d, x >= 0.0f);
      }

      fn mask_mod(fm_b: i32, fm_h: i32, fm_q_idx: i32, fm_kv_idx: i32) -> bool {
        return true;
      }

      fn score_mod(fm_score: f32, fm_b: i32, fm_h: i32, fm_q_idx: i32, fm_kv_idx: i32) -> f32 {
        return fm_sigmoid(fm_score);
      }
      "
    `);
  });

  test('each helper is printed only with what it needs', () => {
    const needs: Partial<Record<MathFn, string[]>> = {
      sign: ['fm_signf'],
      relu: ['fm_reluf'],
      tanh: ['fm_tanh'],
      sigmoid: ['fm_sigmoid'],
      expm1: ['fm_expm1'],
      log1p: ['fm_log1p'],
      erf: ['fm_erf'],
      gelu: ['fm_gelu', 'fm_erf'],
      gelu_tanh: ['fm_gelu_tanh', 'fm_tanh'],
      sin: ['fm_sin', 'fm_trig_reduce', 'fm_sin_poly', 'fm_cos_poly'],
      cos: ['fm_cos', 'fm_trig_reduce', 'fm_sin_poly', 'fm_cos_poly'],
    };
    for (const { fn } of UNARY) {
      const t = new TestIr();
      const wgsl = backEnds(irProgram({ score: t.call(fn, t.arg('score')) })).wgsl;
      const defined = [...wgsl.matchAll(/^fn (fm_\w+)/gm)].map((m) => m[1]).sort();
      expect(defined, fn).toEqual([...(needs[fn] ?? [])].sort());
    }
  });

  test('only fm_ names and WGSL words, whatever the functions', () => {
    const t = new TestIr();
    const s = t.arg('score');
    let score = s;
    for (const { fn } of UNARY) score = t.bin('add', score, t.call(fn, s));
    let ints = t.arg('q_idx');
    for (const { fn } of UNARY.filter((u) => u.int))
      ints = t.bin('add', ints, t.call(fn, t.arg('q_idx')));
    score = t.bin('add', score, t.cast('float', ints));
    const code = backEnds(irProgram({ score })).wgsl.replace(/\/\/[^\n]*/g, '');
    // Numbers out first (7.8e-5f, 2i), so that only names are left.
    const names = code.replace(/\b\d+(\.\d+)?(e[-+]?\d+)?[iuf]?\b/g, ' ');
    const words = new Set(names.match(/[A-Za-z_][A-Za-z0-9_]*/g));
    const foreign = [...words].filter((w) => !w.startsWith('fm_') && !WGSL_WORDS.has(w));
    expect(foreign).toEqual([]);
  });

  test('a float-only function of an int is refused by every back end', () => {
    const t = new TestIr();
    const node = t.ir.make({
      op: 'call',
      fn: 'erf',
      type: 'int',
      args: [t.arg('q_idx')],
      span: t.span(),
    });
    const program = irProgram({ score: node });
    expect(() => backEnds(program)).toThrow(/erf of an int/);
  });
});

describe('bounds of the int math functions', () => {
  /** mask: fn(q_idx - 4) compared with kv_idx - 4, for every box in a small grid. */
  function checkBoxes(fn: MathFn, compare: 'lt' | 'eq'): number {
    const t = new TestIr();
    const four = t.int(4);
    const x = t.call(fn, t.bin('sub', t.arg('q_idx'), four));
    const run = backEnds(
      irProgram({ mask: t.bin(compare, x, t.bin('sub', t.arg('kv_idx'), four)) }),
    );
    let certain = 0;
    for (let q = -4; q <= 12; q += 1)
      for (const qn of [0, 2, 5])
        for (let kv = -4; kv <= 12; kv += 2)
          for (const kvn of [0, 3]) {
            const bounds = run.bounds(0, 0, q, q + qn, kv, kv + kvn);
            if (bounds === 2) continue;
            certain += 1;
            for (let a = q; a <= q + qn; a += 1)
              for (let c = kv; c <= kv + kvn; c += 1)
                expect(run.mask(0, 0, a, c)).toBe(bounds === 1);
          }
    return certain;
  }

  test('sign, relu, abs and the identities are sound, and often certain', () => {
    for (const fn of ['sign', 'relu', 'abs', 'floor', 'ceil', 'round', 'trunc'] as const) {
      const lt = checkBoxes(fn, 'lt');
      const eq = checkBoxes(fn, 'eq');
      console.log(`bounds of ${fn}: ${lt} certain boxes for <, ${eq} for ==`);
      expect(lt, fn).toBeGreaterThan(500);
      expect(eq, fn).toBeGreaterThan(400);
    }
  });

  test('the intervals are exact: sign clamps to [-1, 1], relu to [0, hi]', () => {
    const t = new TestIr();
    const q = t.arg('q_idx');
    // sign(q) == 1 is certain for q in [3, 9]; relu(q) == 0 for q in [-9, 0].
    const run = backEnds(
      irProgram({
        mask: t.bin(
          'land',
          t.bin('eq', t.call('sign', q), t.int(1)),
          t.bin('ge', t.call('relu', q), t.int(3)),
        ),
      }),
    );
    expect(run.bounds(0, 0, 3, 9, 0, 0)).toBe(1);
    expect(run.bounds(0, 0, -9, 0, 0, 0)).toBe(0);
    expect(run.bounds(0, 0, 2, 9, 0, 0)).toBe(2);
    expect(run.wgslBounds).toContain(
      'min(max(vec2<i32>(fm_q_lo, fm_q_hi), vec2<i32>((-1i), (-1i))), vec2<i32>(1i, 1i))',
    );
    expect(run.wgslBounds).toContain('max(vec2<i32>(fm_q_lo, fm_q_hi), vec2<i32>(0i, 0i))');
  });

  test('a float function gives no bounds: its comparisons are unknown', () => {
    const t = new TestIr();
    const x = t.call('floor', t.cast('float', t.arg('q_idx')));
    const run = backEnds(irProgram({ mask: t.bin('lt', x, t.float(1e9)) }));
    expect(run.bounds(0, 0, 0, 10, 0, 10)).toBe(2);
  });
});
