import { describe, expect, test } from 'vitest';
import { dependence, sharedNodes, type Ir } from './ir';
import { backEnds, irProgram, TestIr } from '../../testing/irPrograms';
import { DEFAULT_LIMITS } from './limits';

describe('hash-consing in IrBuilder', () => {
  /** A helper traced twice on the same input: `f(x) = abs(x * 3 + h) // 2`. */
  const f = (t: TestIr, x: Ir): Ir =>
    t.bin('floordiv', t.call('abs', t.bin('add', t.bin('mul', x, t.int(3)), t.arg('h'))), t.int(2));

  test('f(x) + f(x), built twice, is one node each', () => {
    const t = new TestIr();
    const q = t.arg('q_idx');
    const first = t.bin('add', f(t, q), f(t, q));
    expect(first.op === 'binary' && first.a === first.b).toBe(true);
    const count = t.ir.nodeCount;
    const second = t.bin('add', f(t, q), f(t, q));
    expect(second).toBe(first);
    // Nothing new was made the second time.
    expect(t.ir.nodeCount).toBe(count);
    // q, 3, h, q*3, +h, abs, 2, //, +: nine distinct nodes.
    expect(count).toBe(9);
  });

  test('the back ends compute the shared helper once', () => {
    const t = new TestIr();
    const q = t.arg('q_idx');
    const sum = t.bin('add', f(t, q), f(t, q));
    const shared = sharedNodes(sum);
    expect(shared.map((n) => n.op)).toEqual(['binary']);
    const program = irProgram({ mask: t.bin('ge', sum, t.arg('kv_idx')), score: undefined });
    const run = backEnds(program);
    expect(run.wgsl).toContain(
      'let fm_v0: i32 = fm_floordiv(abs(((fm_q_idx * 3i) + fm_h)), 2i);\n  return ((fm_v0 + fm_v0) >= fm_kv_idx);',
    );
    for (let q0 = -5; q0 < 5; q0 += 1)
      for (let kv = -5; kv < 8; kv += 1) {
        const want = 2 * Math.floor(Math.abs(q0 * 3 + 1) / 2) >= kv;
        expect(run.mask(0, 1, q0, kv)).toBe(want);
      }
    expect(program.maskDeps).toEqual({ b: false, h: true });
  });

  test('a shared node keeps the span it was first made with', () => {
    const t = new TestIr();
    const q = t.arg('q_idx');
    const a = t.bin('mul', q, q);
    const spanOfFirst = a.span;
    const b = t.bin('mul', q, q);
    expect(b).toBe(a);
    expect(b.span).toEqual(spanOfFirst);
  });

  test('constants: -0 and 0 differ, every NaN is one node, int 1 and float 1 differ', () => {
    const t = new TestIr();
    expect(t.float(0)).not.toBe(t.float(-0));
    const negativeZero = t.float(-0);
    expect(negativeZero.op === 'const' && Object.is(negativeZero.value, -0)).toBe(true);
    expect(t.float(NaN)).toBe(t.float(NaN));
    expect(t.float(Infinity)).toBe(t.float(Infinity));
    expect(t.float(Infinity)).not.toBe(t.float(-Infinity));
    expect(t.int(1)).not.toBe(t.float(1));
    expect(t.int(1)).not.toBe(t.bool(true));
    expect(t.int(7)).toBe(t.int(7));
  });

  test('operands in another order, or another function, are other nodes', () => {
    const t = new TestIr();
    const q = t.arg('q_idx');
    const kv = t.arg('kv_idx');
    expect(t.bin('sub', q, kv)).not.toBe(t.bin('sub', kv, q));
    expect(t.bin('lt', q, kv)).not.toBe(t.bin('le', q, kv));
    expect(t.call('min', q, kv)).not.toBe(t.call('max', q, kv));
    expect(t.cast('float', q)).not.toBe(t.cast('bool', q));
    expect(t.tensor(0, 'int', q, kv)).not.toBe(t.tensor(1, 'int', q, kv));
    expect(t.tensor(0, 'int', q, kv)).toBe(t.tensor(0, 'int', q, kv));
  });

  test('folding lands on the existing constant', () => {
    const t = new TestIr();
    const six = t.int(6);
    expect(t.bin('mul', t.int(2), t.int(3))).toBe(six);
  });

  test('only new nodes count against maxInlinedNodes', () => {
    const t = new TestIr({ ...DEFAULT_LIMITS, maxInlinedNodes: 20 });
    const q = t.arg('q_idx');
    // Built a thousand times over, the expression is still a handful of nodes.
    for (let k = 0; k < 1000; k += 1) f(t, q);
    expect(t.ir.nodeCount).toBeLessThan(20);
    // Distinct nodes still hit the limit.
    expect(() => {
      for (let k = 0; k < 30; k += 1) t.int(1000 + k);
    }).toThrow(expect.objectContaining({ kind: 'LimitError' }));
  });

  test('dependence and sharedNodes walk a DAG of shared nodes once per node', () => {
    const t = new TestIr();
    let x = t.arg('b');
    // 200 levels, each reading the level below twice: a tree of 2^200 paths, a DAG of 200 nodes.
    for (let k = 0; k < 200; k += 1) x = t.bin('add', x, x);
    expect(dependence(x)).toEqual({ b: true, h: false });
    expect(sharedNodes(x)).toHaveLength(199);
    const run = backEnds(irProgram({ score: t.cast('float', x) }));
    expect(run.score(0, 1, 0, 0, 0)).toBe(0); // 2^200 wraps to 0 in i32
    expect(run.score(0, 0, 0, 0, 0)).toBe(0);
  });
});

describe('constant folding of the math functions', () => {
  const fold = (fn: Parameters<TestIr['call']>[0], x: number, type: 'int' | 'float'): number => {
    const t = new TestIr();
    const node = t.call(fn, type === 'int' ? t.int(x) : t.float(x));
    if (node.op !== 'const') throw new Error(`${fn}(${x}) did not fold`);
    return node.value;
  };

  test('float functions fold in float64', () => {
    expect(fold('exp2', 10, 'float')).toBe(1024);
    expect(fold('log2', 0.125, 'float')).toBe(-3);
    expect(fold('rsqrt', 4, 'float')).toBe(0.5);
    expect(fold('rsqrt', 0, 'float')).toBe(Infinity);
    expect(fold('sigmoid', 0, 'float')).toBe(0.5);
    expect(fold('floor', -2.5, 'float')).toBe(-3);
    expect(fold('ceil', -2.5, 'float')).toBe(-2);
    expect(fold('trunc', -2.5, 'float')).toBe(-2);
    expect(fold('round', 2.5, 'float')).toBe(2);
    expect(fold('round', 3.5, 'float')).toBe(4);
    expect(fold('round', -2.5, 'float')).toBe(-2);
    expect(Object.is(fold('round', -0.5, 'float'), -0)).toBe(true);
    expect(fold('sign', -3.5, 'float')).toBe(-1);
    expect(fold('sign', NaN, 'float')).toBe(0);
    expect(fold('relu', -3.5, 'float')).toBe(0);
    expect(fold('relu', NaN, 'float')).toBeNaN();
    expect(fold('sin', Math.PI / 2, 'float')).toBe(1);
    expect(fold('cos', 0, 'float')).toBe(1);
    expect(fold('erf', 0.5, 'float')).toBeCloseTo(0.5204998778130465, 15);
    expect(fold('gelu', 1, 'float')).toBeCloseTo(0.8413447460685429, 15);
    expect(fold('gelu_tanh', 1, 'float')).toBeCloseTo(0.8411919906082768, 15);
    expect(fold('log1p', 1e-10, 'float')).toBe(Math.log1p(1e-10));
    expect(fold('expm1', 1e-10, 'float')).toBe(Math.expm1(1e-10));
  });

  test('int functions fold on i32', () => {
    expect(fold('sign', -7, 'int')).toBe(-1);
    expect(fold('sign', 0, 'int')).toBe(0);
    expect(fold('sign', 2147483647, 'int')).toBe(1);
    expect(fold('relu', -7, 'int')).toBe(0);
    expect(fold('relu', 7, 'int')).toBe(7);
    expect(fold('abs', -2147483648, 'int')).toBe(-2147483648);
    for (const fn of ['floor', 'ceil', 'round', 'trunc'] as const)
      expect(fold(fn, -7, 'int')).toBe(-7);
  });
});
