import { describe, expect, test } from 'vitest';
import { compile } from './compile';

/** A program whose score_mod returns `expr` of a = q_idx, n = kv_idx: reads int results exactly. */
function intOp(expr: string): (a: number, n: number) => number {
  const p = compile(`def mask_mod(b, h, q_idx, kv_idx):
    return True

def score_mod(score, b, h, q_idx, kv_idx):
    a = q_idx
    n = kv_idx
    return ${expr}
`);
  return (a, n) => p.score(0, 0, 0, a, n);
}

// Results printed by python3 (3.11) while writing this test.
const PY_FLOORDIV: [number, number, number][] = [
  [7, 2, 3],
  [-7, 2, -4],
  [7, -2, -4],
  [-7, -2, 3],
  [0, 3, 0],
  [-1, 5, -1],
  [1, -5, -1],
  [-9, 3, -3],
  [9, -3, -3],
  [2147483647, -1, -2147483647],
  [-2147483647, 10, -214748365],
];
const PY_MOD: [number, number, number][] = [
  [7, 2, 1],
  [-7, 2, 1],
  [7, -2, -1],
  [-7, -2, -1],
  [0, 3, 0],
  [-1, 5, 4],
  [1, -5, -4],
  [-9, 3, 0],
  [9, -3, 0],
  [2147483647, -1, 0],
  [-2147483647, 10, 3],
];
const PY_SHR: [number, number, number][] = [
  [-8, 1, -4],
  [-1, 5, -1],
  [-7, 1, -4],
  [7, 1, 3],
  [-9, 2, -3],
  [-2147483648, 31, -1],
  [-5, 40, -1],
  [5, 40, 0],
  [123, 0, 123],
];
const PY_SHL: [number, number, number][] = [
  [-8, 1, -16],
  [3, 4, 48],
  [-3, 4, -48],
  [1, 30, 1073741824],
  [5, 0, 5],
  [-1, 3, -8],
];
const PY_POW: [number, number, number][] = [
  [2, 10, 1024],
  [-3, 3, -27],
  [-2, 4, 16],
  [0, 0, 1],
  [7, 0, 1],
  [-1, 7, -1],
  [3, 13, 1594323],
  [10, 9, 1000000000],
];

/** Python's semantics for operands where the exact result fits in a double (|a|, |b| < 2^31). */
const python = {
  floordiv: (a: number, b: number): number => Math.floor(a / b),
  mod: (a: number, b: number): number => a - b * Math.floor(a / b),
  shr: (a: number, n: number): number => Math.floor(a / 2 ** n),
  shl: (a: number, n: number): number => a * 2 ** n,
};
/** Two's complement wrap of an exact integer (held exactly in a double) to i32. */
function wrapI32(x: number): number {
  const m = ((x % 2 ** 32) + 2 ** 32) % 2 ** 32;
  return m >= 2 ** 31 ? m - 2 ** 32 : m;
}

describe('Python integer semantics on the CPU back end', () => {
  test.each(PY_FLOORDIV)('%i // %i == %i', (a, b, want) => {
    expect(intOp('a // n')(a, b)).toBe(want);
  });
  test.each(PY_MOD)('%i mod %i == %i', (a, b, want) => {
    expect(intOp('a % n')(a, b)).toBe(want);
  });
  test.each(PY_SHR)('%i >> %i == %i', (a, n, want) => {
    expect(intOp('a >> n')(a, n)).toBe(want);
  });
  test.each(PY_SHL)('%i << %i == %i', (a, n, want) => {
    expect(intOp('a << n')(a, n)).toBe(want);
  });
  test.each(PY_POW)('%i ** %i == %i', (a, n, want) => {
    expect(intOp('a ** n')(a, n)).toBe(want);
  });

  test('// and % agree with a direct Python-semantics implementation on a grid', () => {
    const div = intOp('a // n');
    const mod = intOp('a % n');
    const values = [
      -2147483647, -1000003, -97, -13, -7, -2, -1, 0, 1, 2, 3, 7, 13, 97, 65536, 2147483647,
    ];
    for (const a of values) {
      for (const b of values) {
        if (b === 0) continue;
        expect(div(a, b), `${a} // ${b}`).toBe(wrapI32(python.floordiv(a, b)));
        expect(mod(a, b), `${a} % ${b}`).toBe(python.mod(a, b));
      }
    }
  });

  test('shifts agree with Python on negative operands (wrapping to i32 on the left)', () => {
    const shr = intOp('a >> n');
    const shl = intOp('a << n');
    for (const a of [-1000, -9, -8, -1, 0, 1, 7, 1000, -2147483648, 2147483647]) {
      for (let n = 0; n < 40; n += 1) {
        expect(shr(a, n), `${a} >> ${n}`).toBe(python.shr(a, n));
        expect(shl(a, n), `${a} << ${n}`).toBe(wrapI32(python.shl(a, n)));
      }
    }
  });

  test('the defined results where Python raises: x // 0, x % 0, negative shifts, negative powers', () => {
    expect(intOp('a // n')(7, 0)).toBe(0);
    expect(intOp('a % n')(7, 0)).toBe(0);
    expect(intOp('a << n')(7, -1)).toBe(0);
    expect(intOp('a >> n')(7, -1)).toBe(0);
    expect(intOp('a ** n')(2, -1)).toBe(0);
  });

  test('i32 wrap-around on +, -, * and unary minus', () => {
    expect(intOp('a + n')(2147483647, 1)).toBe(-2147483648);
    expect(intOp('a - n')(-2147483648, 1)).toBe(2147483647);
    expect(intOp('a * n')(65536, 65536)).toBe(0);
    expect(intOp('a * n')(123456789, 987654321)).toBe(
      wrapI32(Number((123456789n * 987654321n) % 2n ** 32n)),
    );
    expect(intOp('-a')(-2147483648, 0)).toBe(-2147483648);
    expect(intOp('a // n')(-2147483648, -1)).toBe(-2147483648);
  });

  test('a constant negative exponent gives a float, as in Python', () => {
    expect(intOp('2 ** -1')(0, 0)).toBe(0.5);
    expect(intOp('(-2) ** -2')(0, 0)).toBe(0.25);
  });

  test('/ is true division, ~ is bitwise on ints and logical on bools', () => {
    expect(intOp('a / n')(7, 2)).toBe(3.5);
    expect(intOp('~a')(5, 0)).toBe(-6);
    expect(intOp('torch.where(~(a > n), 1, 0)')(5, 0)).toBe(0);
    expect(intOp('torch.where(~(a > n), 1, 0)')(0, 5)).toBe(1);
  });

  test("float // and % follow torch (floor, the divisor's sign)", () => {
    expect(intOp('(a * 1.0) // n')(-7, 2)).toBe(-4);
    expect(intOp('(a + 0.5) % n')(-7, 2)).toBe(1.5);
    expect(intOp('(a + 0.5) % n')(7, -2)).toBe(-0.5);
  });
});

describe('tensors on the CPU back end', () => {
  const p = compile(`t = [10, 20, 30]
m = [[1, 2], [3, 4]]

def mask_mod(b, h, q_idx, kv_idx):
    return True

def score_mod(score, b, h, q_idx, kv_idx):
    return t[q_idx] + m[kv_idx][h] * 1000
`);
  test('negative indices count from the end; out-of-range indices read 0', () => {
    expect(p.score(0, 0, 1, 0, 1)).toBe(10 + 4000);
    expect(p.score(0, 0, 0, -1, -2)).toBe(30 + 1000);
    expect(p.score(0, 0, 0, 3, 0)).toBe(0 + 1000);
    expect(p.score(0, 0, 0, -4, 2)).toBe(0);
  });
});

describe('a large mask', () => {
  // Its speed is measured in app/mask/compile.bench.ts, not asserted here.
  test('fills a 1024 x 1024 mask that equals the rule everywhere', () => {
    const p = compile(`WINDOW = 64
doc = [${Array.from({ length: 1024 }, (_, i) => Math.floor(i / 100)).join(', ')}]

def sliding(b, h, q_idx, kv_idx):
    return (q_idx - kv_idx >= 0) & (q_idx - kv_idx <= WINDOW)

def same_doc(b, h, q_idx, kv_idx):
    return doc[q_idx] == doc[kv_idx]

mask_mod = and_masks(sliding, same_doc)
`);
    const expected = (q: number, kv: number): boolean =>
      q - kv >= 0 && q - kv <= 64 && Math.floor(q / 100) === Math.floor(kv / 100);
    let mismatches = 0;
    let allowed = 0;
    for (let q = 0; q < 1024; q += 1) {
      for (let kv = 0; kv < 1024; kv += 1) {
        const got = p.mask(0, 0, q, kv);
        if (got !== expected(q, kv)) mismatches += 1;
        if (got) allowed += 1;
      }
    }
    expect(mismatches).toBe(0);
    expect(allowed).toBeGreaterThan(0);
  });
});
