import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { composePrograms, negateProgram } from '../state/compose';
import {
  abs,
  add,
  bitAnd,
  bitNot,
  bitOr,
  bitXor,
  boundsOf,
  eq,
  floorDiv,
  le,
  lt,
  max,
  min,
  mod,
  mul,
  neg,
  readBounds,
  shr,
  sub,
  TOP,
  truth,
  type Interval,
  type Tri,
} from './bounds';
import { checkSource, compile } from './compile';
import { PRESETS, presetById } from './presets';
import { randomProgram, seededRandom } from '../../testing/randomProgram';
import {
  I32_MAX,
  I32_MIN,
  intAbs,
  intAdd,
  intFloorDiv,
  intMod,
  intMul,
  intNeg,
  intShr,
  intSub,
  wrapIndex,
} from './semantics';
import type { CompiledProgram } from './types';

const TIMEOUT_MS = 60_000;

function presetSource(id: string): string {
  const preset = presetById(id);
  if (preset === undefined) throw new Error(`no preset ${id}`);
  return preset.source;
}

/** What mask_mod really does on a box, element by element. */
function truthOfBox(
  program: CompiledProgram,
  b: number,
  h: number,
  qLo: number,
  qHi: number,
  kvLo: number,
  kvHi: number,
): { anyTrue: boolean; anyFalse: boolean } {
  let anyTrue = false;
  let anyFalse = false;
  for (let q = qLo; q <= qHi; q += 1)
    for (let kv = kvLo; kv <= kvHi; kv += 1) {
      if (program.mask(b, h, q | 0, kv | 0)) anyTrue = true;
      else anyFalse = true;
    }
  return { anyTrue, anyFalse };
}

/** Throws when bounds claim certainty the elements contradict. */
function expectSound(source: string, box: number[], where: string): Tri {
  const [b, h, qLo, qHi, kvLo, kvHi] = box;
  const bounds = boundsOf(checkSource(source), b, h, qLo, qHi, kvLo, kvHi);
  const { anyTrue, anyFalse } = truthOfBox(compile(source), b, h, qLo, qHi, kvLo, kvHi);
  if ((bounds === 0 && anyTrue) || (bounds === 1 && anyFalse)) {
    throw new Error(`${where}: bounds ${bounds} on box [${box.join(', ')}] is wrong\n${source}`);
  }
  return bounds;
}

// ---- the rules, one by one: every concrete result lies inside the abstract one ----

const i32 = fc.oneof(
  fc.integer({ min: -40, max: 40 }),
  fc.integer({ min: I32_MIN, max: I32_MAX }),
  fc.integer({ min: -70000, max: 70000 }),
  fc.constantFrom(I32_MIN, I32_MIN + 1, I32_MAX, I32_MAX - 1, 0x3fffffff, -0x3fffffff, 46341),
);
/** An interval and a value inside it: wide, narrow (near-equal bounds) or a single value. */
const member = fc.oneof(
  fc
    .tuple(i32, i32, i32)
    .map((xs) => xs.sort((a, b) => a - b))
    .map(([lo, x, hi]) => ({ range: { lo, hi } as Interval, x })),
  fc
    .tuple(fc.integer({ min: -12, max: 12 }), fc.nat(3), fc.nat(3))
    .map(([lo, dx, dh]) => ({ range: { lo, hi: lo + dx + dh }, x: lo + dx })),
  i32.map((x) => ({ range: { lo: x, hi: x }, x })),
);

const contains = (r: Interval, v: number): boolean => r.lo <= v && v <= r.hi;

describe('each interval rule contains every concrete result', () => {
  const binary: [
    string,
    (a: Interval, b: Interval) => Interval,
    (x: number, y: number) => number,
  ][] = [
    ['add', add, intAdd],
    ['sub', sub, intSub],
    ['mul', mul, intMul],
    ['floordiv', floorDiv, intFloorDiv],
    ['mod', mod, intMod],
    ['shr', shr, intShr],
    ['bitand', bitAnd, (x, y) => x & y],
    ['bitor', bitOr, (x, y) => x | y],
    ['bitxor', bitXor, (x, y) => x ^ y],
    ['min', min, Math.min],
    ['max', max, Math.max],
  ];
  for (const [name, rule, concrete] of binary) {
    test(name, () => {
      fc.assert(
        fc.property(member, member, (a, b) => {
          const r = rule(a.range, b.range);
          expect(r.lo).toBeLessThanOrEqual(r.hi);
          expect(contains(r, concrete(a.x, b.x))).toBe(true);
        }),
        { numRuns: 3000 },
      );
    });
  }
  const unary: [string, (a: Interval) => Interval, (x: number) => number][] = [
    ['neg', neg, intNeg],
    ['bitnot', bitNot, (x) => ~x],
    ['abs', abs, intAbs],
  ];
  for (const [name, rule, concrete] of unary) {
    test(name, () => {
      fc.assert(
        fc.property(member, (a) => contains(rule(a.range), concrete(a.x))),
        { numRuns: 3000 },
      );
    });
  }
  test('comparisons and truth: a certain answer is the concrete one', () => {
    const agrees = (t: Tri, v: boolean): boolean => t === 2 || (t === 1) === v;
    fc.assert(
      fc.property(member, member, (a, b) => {
        expect(agrees(lt(a.range, b.range), a.x < b.x)).toBe(true);
        expect(agrees(le(a.range, b.range), a.x <= b.x)).toBe(true);
        expect(agrees(eq(a.range, b.range), a.x === b.x)).toBe(true);
        expect(agrees(truth(a.range), a.x !== 0)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
  test('precise where it should be: in-range sums, one-period remainders, small products', () => {
    expect(add({ lo: 3, hi: 9 }, { lo: -2, hi: 4 })).toEqual({ lo: 1, hi: 13 });
    expect(add({ lo: I32_MAX, hi: I32_MAX }, { lo: 1, hi: 1 })).toEqual(TOP);
    expect(mod({ lo: 130, hi: 140 }, { lo: 64, hi: 64 })).toEqual({ lo: 2, hi: 12 });
    expect(mod({ lo: 120, hi: 140 }, { lo: 64, hi: 64 })).toEqual({ lo: 0, hi: 63 });
    expect(floorDiv({ lo: -5, hi: 130 }, { lo: 64, hi: 64 })).toEqual({ lo: -1, hi: 2 });
    expect(mul({ lo: -3, hi: 5 }, { lo: 6, hi: 6 })).toEqual({ lo: -18, hi: 30 });
    expect(mul({ lo: 0, hi: 65536 }, { lo: 0, hi: 65536 })).toEqual(TOP);
  });
  test('tensor reads: every element an index range can reach, and 0 when it can miss', () => {
    const tensor = fc
      .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.boolean())
      .chain(([rows, cols, twoD]) =>
        fc.record({
          shape: fc.constant(twoD ? [rows, cols] : [rows]),
          values: fc.array(fc.integer({ min: -50, max: 50 }), {
            minLength: twoD ? rows * cols : rows,
            maxLength: twoD ? rows * cols : rows,
          }),
        }),
      );
    const index = fc
      .tuple(fc.integer({ min: -9, max: 9 }), fc.integer({ min: -9, max: 9 }), fc.nat(100))
      .map(([a, b, t]) => {
        const lo = Math.min(a, b);
        const hi = Math.max(a, b);
        return { range: { lo, hi }, x: lo + (t % (hi - lo + 1)) };
      });
    fc.assert(
      fc.property(tensor, index, index, (t, i, j) => {
        const r = readBounds(t.values, t.shape, [i.range, j.range]);
        const a = wrapIndex(i.x, t.shape[0]);
        const c = t.shape.length === 2 ? wrapIndex(j.x, t.shape[1]) : 0;
        const v = a < 0 || c < 0 ? 0 : t.values[a * (t.shape[1] ?? 1) + c];
        expect(contains(r, v)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

// ---- whole programs: a certain answer is never wrong ----

describe('boundsOf is sound on whole programs', { timeout: TIMEOUT_MS }, () => {
  /** Mostly small boxes near the origin, sometimes at the i32 edges or straddling zero. */
  const boxStart = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: -12, max: 40 }) },
    { weight: 1, arbitrary: fc.integer({ min: I32_MAX - 12, max: I32_MAX - 12 }) },
    { weight: 1, arbitrary: fc.constant(I32_MIN) },
  );
  const box = fc
    .tuple(
      fc.integer({ min: -1, max: 3 }),
      fc.integer({ min: -1, max: 3 }),
      boxStart,
      fc.integer({ min: 0, max: 11 }),
      boxStart,
      fc.integer({ min: 0, max: 11 }),
    )
    .map(([b, h, q, qn, kv, kvn]) => [b, h, q, q + qn, kv, kv + kvn]);

  test('random programs (randomProgram.ts)', () => {
    let certain = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.array(box, { minLength: 4, maxLength: 4 }),
        (seed, boxes) => {
          const source = randomProgram(seed).source;
          for (const b of boxes) if (expectSound(source, b, `seed ${seed}`) !== 2) certain += 1;
        },
      ),
      { numRuns: 400 },
    );
    // Not a soundness condition, but a test that never sees a certain answer proves nothing.
    expect(certain).toBeGreaterThan(100);
  });

  test('every preset, on random boxes around its example size', () => {
    for (const preset of PRESETS) {
      const { Q, KV, B, H } = preset.example;
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: B }),
          fc.integer({ min: 0, max: H }),
          fc.integer({ min: -3, max: Q + 2 }),
          fc.integer({ min: 0, max: 9 }),
          fc.integer({ min: -3, max: KV + 2 }),
          fc.integer({ min: 0, max: 9 }),
          (b, h, q, qn, kv, kvn) => {
            expectSound(preset.source, [b, h, q, q + qn, kv, kv + kvn], preset.id);
          },
        ),
        { numRuns: 150 },
      );
    }
  });

  test('compositions of presets: AND, OR, AND NOT and NOT', () => {
    const masks = PRESETS.filter((p) => p.kind === 'mask');
    const ops = ['and', 'or', 'andNot', 'not'] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...masks),
        fc.constantFrom(...masks),
        fc.constantFrom(...ops),
        fc.array(fc.tuple(fc.nat(20), fc.nat(9), fc.nat(20), fc.nat(9)), {
          minLength: 3,
          maxLength: 3,
        }),
        (first, second, op, boxes) => {
          const source =
            op === 'not'
              ? negateProgram(first.source)
              : composePrograms(first.source, second.source, op, second.id);
          for (const [q, qn, kv, kvn] of boxes)
            expectSound(source, [0, 0, q, q + qn, kv, kv + kvn], `${first.id} ${op} ${second.id}`);
        },
      ),
      { numRuns: 150 },
    );
  });
});

// ---- effectiveness: blocks that are truly empty or full are mostly proven so ----

const S = 256;
const BLOCK = 32;

function withParam(source: string, name: string, value: number): string {
  const pattern = new RegExp(`^${name} = \\d+$`, 'm');
  if (!pattern.test(source)) throw new Error(`no parameter ${name}`);
  return source.replace(pattern, `${name} = ${value}`);
}

function documentSource(documents: number): string {
  const length = S / documents;
  const ids = Array.from({ length: S }, (_, i) => Math.floor(i / length));
  const offsets = Array.from({ length: documents + 1 }, (_, k) => k * length);
  return presetSource('document')
    .replace(/^document_id = .*$/m, `document_id = [${ids.join(', ')}]`)
    .replace(/^offsets = .*$/m, `offsets = [${offsets.join(', ')}]`);
}

function paddingSource(lengths: number[]): string {
  const rows = lengths.map(
    (n) => `[${Array.from({ length: S }, (_, i) => (i >= n ? 'True' : 'False')).join(', ')}]`,
  );
  return presetSource('padding').replace(
    /^pads = \[\[[\s\S]*?\]\]$/m,
    `pads = [${rows.join(', ')}]`,
  );
}

const EFFECTIVENESS: { name: string; source: string; B: number }[] = [
  { name: 'causal', source: presetSource('causal'), B: 1 },
  {
    name: 'sliding window 64',
    source: withParam(presetSource('sliding_window'), 'WINDOW', 64),
    B: 1,
  },
  { name: 'sliding window 3', source: presetSource('sliding_window'), B: 1 },
  { name: 'prefix LM 80', source: withParam(presetSource('prefix_lm'), 'PREFIX', 80), B: 1 },
  { name: 'document, 8 equal', source: documentSource(8), B: 1 },
  { name: 'document, 4 equal', source: documentSource(4), B: 1 },
  { name: 'padding 200 / 97', source: paddingSource([200, 97]), B: 2 },
  { name: 'batchify 64', source: withParam(presetSource('batchify'), 'SIZE', 64), B: 1 },
  { name: 'batchify 4', source: presetSource('batchify'), B: 1 },
  {
    name: 'block diffusion 128 / 16',
    source: withParam(withParam(presetSource('block_diffusion'), 'SEQ', 128), 'BLOCK', 16),
    B: 1,
  },
];

describe(`effectiveness at S = ${S}, blocks of ${BLOCK}`, { timeout: TIMEOUT_MS }, () => {
  for (const { name, source, B } of EFFECTIVENESS) {
    test(`${name}: at least 80% of the empty or full blocks are proven`, () => {
      const checked = checkSource(source);
      const program = compile(source);
      let decidable = 0;
      let proven = 0;
      for (let b = 0; b < B; b += 1)
        for (let q = 0; q < S; q += BLOCK)
          for (let kv = 0; kv < S; kv += BLOCK) {
            const box = [b, 0, q, q + BLOCK - 1, kv, kv + BLOCK - 1] as const;
            const { anyTrue, anyFalse } = truthOfBox(program, ...box);
            const bounds = boundsOf(checked, ...box);
            if (anyTrue && anyFalse) continue;
            decidable += 1;
            const truth = anyTrue ? 1 : 0;
            if (bounds !== 2) expect(bounds, `block ${box.join(', ')}`).toBe(truth);
            if (bounds === truth) proven += 1;
          }
      const fraction = proven / decidable;
      console.log(
        `bounds effectiveness ${name}: ${proven} / ${decidable} empty-or-full blocks proven (${(100 * fraction).toFixed(1)}%)`,
      );
      expect(decidable).toBeGreaterThan(0);
      expect(fraction).toBeGreaterThanOrEqual(0.8);
    });
  }
});

// ---- the WGSL text ----

describe('wgslBounds', () => {
  test('causal', () => {
    expect(compile(presetSource('causal')).wgslBounds).toMatchInlineSnapshot(`
      "fn fm_bt_le(a: vec2<i32>, b: vec2<i32>) -> u32 {
        if (a.y <= b.x) { return 1u; }
        if (a.x > b.y) { return 0u; }
        return 2u;
      }

      // mask_mod over a box of positions: 0 False everywhere, 1 True everywhere, 2 unknown.
      fn mask_mod_bounds(fm_b: i32, fm_h: i32, fm_q_lo: i32, fm_q_hi: i32, fm_kv_lo: i32, fm_kv_hi: i32) -> u32 {
        return fm_bt_le(vec2<i32>(fm_kv_lo, fm_kv_hi), vec2<i32>(fm_q_lo, fm_q_hi));
      }
      "
    `);
  });

  test('document mask', () => {
    expect(compile(presetSource('document')).wgslBounds).toMatchInlineSnapshot(`
      "// Bounds of an i32 are vec2(lo, hi), inclusive; the whole i32 range means unknown.
      fn fm_bi_top() -> vec2<i32> {
        return vec2<i32>(-2147483647i - 1i, 2147483647i);
      }

      // Bounds within +-(2^30 - 1): a sum or difference of two of them cannot overflow.
      fn fm_bi_small(a: vec2<i32>) -> bool {
        return a.x >= -1073741823i && a.y <= 1073741823i;
      }

      fn fm_bi_sub(a: vec2<i32>, b: vec2<i32>) -> vec2<i32> {
        if (!fm_bi_small(a) || !fm_bi_small(b)) { return fm_bi_top(); }
        return vec2<i32>(a.x - b.y, a.y - b.x);
      }

      // The elements Python indices in [lo, hi] reach on an axis of length n: (first, last, 1 when
      // an index may be out of range, which reads 0).
      fn fm_bi_axis(lo: i32, hi: i32, n: i32) -> vec3<i32> {
        let miss = select(0i, 1i, lo < -n || hi > n - 1i);
        let clo = max(lo, -n);
        let chi = min(hi, n - 1i);
        if (clo > chi) { return vec3<i32>(0i, -1i, miss); }
        if (chi < 0i) { return vec3<i32>(clo + n, chi + n, miss); }
        if (clo >= 0i) { return vec3<i32>(clo, chi, miss); }
        return vec3<i32>(0i, n - 1i, miss);
      }

      // Bounds of t[i, j] over the index ranges, by scanning the slice (a 1-D tensor is one column):
      // a possible miss adds 0, a slice of more than 4096 elements is unknown.
      fn fm_bi_read(offset: i32, n0: i32, n1: i32, i: vec2<i32>, j: vec2<i32>) -> vec2<i32> {
        let r = fm_bi_axis(i.x, i.y, n0);
        let c = fm_bi_axis(j.x, j.y, n1);
        if (r.x > r.y || c.x > c.y) { return vec2<i32>(0i, 0i); }
        if ((r.y - r.x + 1i) * (c.y - c.x + 1i) > 4096i) { return fm_bi_top(); }
        var lo = 2147483647i;
        var hi = (-2147483647i - 1i);
        if (r.z != 0i || c.z != 0i) {
          lo = 0i;
          hi = 0i;
        }
        for (var row = r.x; row <= r.y; row = row + 1i) {
          for (var col = c.x; col <= c.y; col = col + 1i) {
            let v = bitcast<i32>(fm_tensors[u32(offset + row * n1 + col)]);
            lo = min(lo, v);
            hi = max(hi, v);
          }
        }
        return vec2<i32>(lo, hi);
      }

      fn fm_bt_le(a: vec2<i32>, b: vec2<i32>) -> u32 {
        if (a.y <= b.x) { return 1u; }
        if (a.x > b.y) { return 0u; }
        return 2u;
      }

      fn fm_bt_eq(a: vec2<i32>, b: vec2<i32>) -> u32 {
        if (a.x == a.y && b.x == b.y && a.x == b.x) { return 1u; }
        if (a.y < b.x || b.y < a.x) { return 0u; }
        return 2u;
      }

      fn fm_bt_and(a: u32, b: u32) -> u32 {
        if (a == 0u || b == 0u) { return 0u; }
        if (a == 1u && b == 1u) { return 1u; }
        return 2u;
      }

      // mask_mod over a box of positions: 0 False everywhere, 1 True everywhere, 2 unknown.
      fn mask_mod_bounds(fm_b: i32, fm_h: i32, fm_q_lo: i32, fm_q_hi: i32, fm_kv_lo: i32, fm_kv_hi: i32) -> u32 {
        let fm_w0: vec2<i32> = fm_bi_read(0i, 21i, 1i, vec2<i32>(fm_q_lo, fm_q_hi), vec2<i32>(0i, 0i));
        let fm_w1: vec2<i32> = fm_bi_read(0i, 21i, 1i, vec2<i32>(fm_kv_lo, fm_kv_hi), vec2<i32>(0i, 0i));
        return fm_bt_and(fm_bt_eq(fm_w0, fm_w1), fm_bt_le(fm_bi_sub(vec2<i32>(fm_kv_lo, fm_kv_hi), fm_bi_read(21i, 5i, 1i, fm_w1, vec2<i32>(0i, 0i))), fm_bi_sub(vec2<i32>(fm_q_lo, fm_q_hi), fm_bi_read(21i, 5i, 1i, fm_w0, vec2<i32>(0i, 0i)))));
      }
      "
    `);
  });

  test('declares no binding and only fm_ names besides mask_mod_bounds, for every preset', () => {
    const rand = seededRandom(Math.floor(Math.random() * 2 ** 31));
    const sources = [
      ...PRESETS.map((p) => p.source),
      ...Array.from({ length: 20 }, () => randomProgram(Math.floor(rand() * 2 ** 31)).source),
    ];
    for (const source of sources) {
      const text = compile(source).wgslBounds;
      expect(text).not.toContain('@binding');
      expect(text).toContain('fn mask_mod_bounds(');
      // Module-scope names must be fm_; so must mask_mod_bounds's own locals (helper locals are
      // private to their helper).
      const functions = [...text.matchAll(/^fn (\w+)/gm)].map((m) => m[1]);
      const body = text.slice(text.indexOf('fn mask_mod_bounds('));
      const locals = [...body.matchAll(/\blet (\w+)/g)].map((m) => m[1]);
      const foreign = [...functions, ...locals].filter(
        (name) => !name.startsWith('fm_') && name !== 'mask_mod_bounds',
      );
      expect(foreign, source).toEqual([]);
    }
  });

  test('depends only on the structure: new parameter values give the same text', () => {
    const a = compile(withParam(presetSource('sliding_window'), 'WINDOW', 3)).wgslBounds;
    const b = compile(withParam(presetSource('sliding_window'), 'WINDOW', 40)).wgslBounds;
    expect(a).toBe(b);
  });

  test('a program without mask_mod is certainly True everywhere', () => {
    const source = presetSource('soft_cap');
    expect(boundsOf(checkSource(source), 0, 0, 0, 100, 0, 100)).toBe(1);
    expect(compile(source).wgslBounds).toContain('return 1u;');
  });
});
