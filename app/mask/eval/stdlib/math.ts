/**
 * Python's `math` module on flexmask's numbers: the float functions with CPython's domain and
 * range errors, the exact integer ones on bigints (gcd, lcm, isqrt, factorial, perm, comb), and
 * fsum as CPython computes it (exact partial sums, correctly rounded).
 */
import { asBigInt, asNumber, bindArgs } from '../args';
import { floatToInt } from '../numbers';
import type { Runtime } from '../runtime';
import {
  NONE,
  pyBool,
  pyFloat,
  pyInt,
  type PyModule,
  type PyNative,
  type PyValue,
} from '../values';
import { fn, moduleOf } from './module';

export function mathModule(runtime: Runtime): PyModule {
  const unary = (
    name: string,
    f: (x: number) => number,
    check?: (x: number) => boolean,
  ): [string, PyNative] =>
    fn(name, (args, ctx) => {
      const x = asNumber(args.positional[0] ?? NONE, `${name}() argument`, ctx);
      if (check && !check(x)) ctx.raise('ValueError', 'math domain error');
      const r = f(x);
      if (!Number.isFinite(r) && Number.isFinite(x)) ctx.raise('OverflowError', 'math range error');
      return pyFloat(r);
    });
  const toInt = (name: string, f: (x: number) => number): [string, PyNative] =>
    fn(name, (args, ctx) => {
      const v = args.positional[0] ?? NONE;
      if (v.kind === 'int' || v.kind === 'bool') return pyInt(asBigInt(v, name, ctx));
      return pyInt(floatToInt(f(asNumber(v, `${name}() argument`, ctx))));
    });
  return moduleOf('math', [
    ['pi', pyFloat(Math.PI)],
    ['e', pyFloat(Math.E)],
    ['tau', pyFloat(2 * Math.PI)],
    ['inf', pyFloat(Infinity)],
    ['nan', pyFloat(NaN)],
    toInt('floor', Math.floor),
    toInt('ceil', Math.ceil),
    toInt('trunc', Math.trunc),
    unary('sqrt', Math.sqrt, (x) => x >= 0),
    unary('exp', Math.exp),
    unary('exp2', (x) => 2 ** x),
    unary('expm1', Math.expm1),
    unary('log2', Math.log2, (x) => x > 0),
    unary('log10', Math.log10, (x) => x > 0),
    unary('log1p', Math.log1p, (x) => x > -1),
    unary('sin', Math.sin),
    unary('cos', Math.cos),
    unary('tan', Math.tan),
    unary('tanh', Math.tanh),
    unary('sinh', Math.sinh),
    unary('cosh', Math.cosh),
    unary('asinh', Math.asinh),
    unary('acosh', Math.acosh, (x) => x >= 1),
    unary('atanh', Math.atanh, (x) => x > -1 && x < 1),
    unary('cbrt', Math.cbrt),
    unary('atan', Math.atan),
    unary('asin', Math.asin, (x) => x >= -1 && x <= 1),
    unary('acos', Math.acos, (x) => x >= -1 && x <= 1),
    unary('fabs', Math.abs),
    unary('erf', erf),
    unary('erfc', (x) => 1 - erf(x)),
    unary('radians', (x) => (x * Math.PI) / 180),
    unary('degrees', (x) => (x * 180) / Math.PI),
    fn('log', (args, ctx) => {
      const x = asNumber(args.positional[0] ?? NONE, 'log() argument', ctx);
      if (x <= 0) ctx.raise('ValueError', 'math domain error');
      const base = args.positional[1];
      return pyFloat(
        base ? Math.log(x) / Math.log(asNumber(base, 'log() base', ctx)) : Math.log(x),
      );
    }),
    fn('pow', (args, ctx) =>
      pyFloat(
        asNumber(args.positional[0] ?? NONE, 'pow()', ctx) **
          asNumber(args.positional[1] ?? NONE, 'pow()', ctx),
      ),
    ),
    fn('atan2', (args, ctx) =>
      pyFloat(
        Math.atan2(
          asNumber(args.positional[0] ?? NONE, 'atan2()', ctx),
          asNumber(args.positional[1] ?? NONE, 'atan2()', ctx),
        ),
      ),
    ),
    fn('copysign', (args, ctx) => {
      const x = Math.abs(asNumber(args.positional[0] ?? NONE, 'copysign()', ctx));
      const y = asNumber(args.positional[1] ?? NONE, 'copysign()', ctx);
      return pyFloat(y < 0 || Object.is(y, -0) ? -x : x);
    }),
    fn('isnan', (args, ctx) =>
      pyBool(Number.isNaN(asNumber(args.positional[0] ?? NONE, 'isnan()', ctx))),
    ),
    fn('isinf', (args, ctx) => {
      const x = asNumber(args.positional[0] ?? NONE, 'isinf()', ctx);
      return pyBool(!Number.isFinite(x) && !Number.isNaN(x));
    }),
    fn('isfinite', (args, ctx) =>
      pyBool(Number.isFinite(asNumber(args.positional[0] ?? NONE, 'isfinite()', ctx))),
    ),
    fn('isclose', (args, ctx) => {
      const [a, b, rel, abs] = bindArgs('isclose', args, ['a', 'b', 'rel_tol', 'abs_tol'], 2, ctx);
      const x = asNumber(a ?? NONE, 'isclose()', ctx);
      const y = asNumber(b ?? NONE, 'isclose()', ctx);
      const r = rel ? asNumber(rel, 'rel_tol', ctx) : 1e-9;
      const t = abs ? asNumber(abs, 'abs_tol', ctx) : 0;
      return pyBool(
        x === y || Math.abs(x - y) <= Math.max(r * Math.max(Math.abs(x), Math.abs(y)), t),
      );
    }),
    fn('gcd', (args, ctx) => {
      let g = 0n;
      for (const v of args.positional) {
        let a = asBigInt(v, 'gcd()', ctx);
        if (a < 0n) a = -a;
        let b = g;
        while (b !== 0n) [a, b] = [b, a % b];
        g = a;
      }
      return pyInt(g);
    }),
    fn('lcm', (args, ctx) => {
      let l = 1n;
      for (const v of args.positional) {
        const a = asBigInt(v, 'lcm()', ctx);
        if (a === 0n) return pyInt(0n);
        let x = l;
        let y = a < 0n ? -a : a;
        const product = x * y;
        while (y !== 0n) [x, y] = [y, x % y];
        l = product / x;
      }
      return pyInt(l);
    }),
    fn('isqrt', (args, ctx) => {
      const n = asBigInt(args.positional[0] ?? NONE, 'isqrt()', ctx);
      if (n < 0n) ctx.raise('ValueError', 'isqrt() argument must be nonnegative');
      let x = BigInt(Math.floor(Math.sqrt(Number(n))));
      while (x * x > n) x -= 1n;
      while ((x + 1n) * (x + 1n) <= n) x += 1n;
      return pyInt(x);
    }),
    fn('factorial', (args, ctx) => {
      const n = asBigInt(args.positional[0] ?? NONE, 'factorial()', ctx);
      if (n < 0n) ctx.raise('ValueError', 'factorial() not defined for negative values');
      if (n > 500n)
        ctx.raise('OverflowError', "factorial() argument is over flexmask's limit of 500");
      let r = 1n;
      for (let k = 2n; k <= n; k += 1n) r *= k;
      return pyInt(r);
    }),
    fn('perm', (args, ctx) => {
      const n = asBigInt(args.positional[0] ?? NONE, 'perm()', ctx);
      const k = args.positional[1] === undefined ? n : asBigInt(args.positional[1], 'perm()', ctx);
      if (n < 0n) ctx.raise('ValueError', 'n must be a non-negative integer');
      if (k < 0n) ctx.raise('ValueError', 'k must be a non-negative integer');
      if (k > n) return pyInt(0n);
      if (k > 1000n) ctx.raise('OverflowError', "perm() arguments are over flexmask's limit");
      let r = 1n;
      for (let i = n - k + 1n; i <= n; i += 1n) r *= i;
      return pyInt(r);
    }),
    fn('comb', (args, ctx) => {
      const n = asBigInt(args.positional[0] ?? NONE, 'comb()', ctx);
      const k = asBigInt(args.positional[1] ?? NONE, 'comb()', ctx);
      if (k < 0n || k > n) return pyInt(0n);
      if (k > 1000n && n - k > 1000n)
        ctx.raise('OverflowError', "comb() arguments are over flexmask's limit");
      const m = k < n - k ? k : n - k;
      let r = 1n;
      for (let i = 1n; i <= m; i += 1n) r = (r * (n - m + i)) / i;
      return pyInt(r);
    }),
    fn('prod', (args, ctx) => {
      let total: PyValue = args.keywords.get('start') ?? pyInt(1n);
      for (const v of ctx.iterate(args.positional[0] ?? NONE))
        total = runtime.interp.ops.binary('*', total, v, ctx.span);
      return total;
    }),
    fn('fsum', (args, ctx) => {
      // Shewchuk's exact partial sums, as CPython's fsum: the correctly rounded sum.
      const partials: number[] = [];
      for (const v of ctx.iterate(args.positional[0] ?? NONE)) {
        let x = asNumber(v, 'fsum()', ctx);
        let kept = 0;
        for (let y of partials) {
          if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
          const high = x + y;
          const low = y - (high - x);
          if (low !== 0) partials[kept++] = low;
          x = high;
        }
        partials.length = kept;
        partials.push(x);
      }
      let high = 0;
      let n = partials.length;
      if (n > 0) {
        high = partials[--n];
        let low = 0;
        while (n > 0) {
          const x = high;
          const y = partials[--n];
          high = x + y;
          low = y - (high - x);
          if (low !== 0) break;
        }
        // Round half to even across the remaining partials, as CPython does.
        if (n > 0 && ((low < 0 && partials[n - 1] < 0) || (low > 0 && partials[n - 1] > 0))) {
          const y = low * 2;
          const x = high + y;
          if (y === x - high) high = x;
        }
      }
      return pyFloat(high);
    }),
    fn('hypot', (args, ctx) =>
      pyFloat(Math.hypot(...args.positional.map((v) => asNumber(v, 'hypot()', ctx)))),
    ),
    fn('fmod', (args, ctx) => {
      const x = asNumber(args.positional[0] ?? NONE, 'fmod()', ctx);
      const y = asNumber(args.positional[1] ?? NONE, 'fmod()', ctx);
      if (y === 0 || !Number.isFinite(x)) ctx.raise('ValueError', 'math domain error');
      return pyFloat(x % y);
    }),
    fn('modf', (args, ctx) => {
      const x = asNumber(args.positional[0] ?? NONE, 'modf()', ctx);
      const whole = Number.isFinite(x) ? Math.trunc(x) : x;
      const fraction = Number.isFinite(x) ? x - whole : Math.sign(x) * 0;
      return {
        kind: 'tuple',
        items: [pyFloat(Object.is(fraction, 0) && x < 0 ? -0 : fraction), pyFloat(whole)],
      };
    }),
    fn('frexp', (args, ctx) => {
      const x = asNumber(args.positional[0] ?? NONE, 'frexp()', ctx);
      if (x === 0 || !Number.isFinite(x)) return { kind: 'tuple', items: [pyFloat(x), pyInt(0)] };
      let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
      let m = x * 2 ** -e;
      while (Math.abs(m) < 0.5) [m, e] = [m * 2, e - 1];
      while (Math.abs(m) >= 1) [m, e] = [m / 2, e + 1];
      return { kind: 'tuple', items: [pyFloat(m), pyInt(e)] };
    }),
  ]);
}

/** The error function to float64 accuracy (series near 0, continued fraction in the tails). */
function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 2.5) {
    // Maclaurin series: erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)).
    let term = a;
    let sum = a;
    for (let n = 1; n < 80; n += 1) {
      term *= (-a * a) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  if (a > 6) return x < 0 ? -1 : 1;
  // erfc(a) by a continued fraction (Lentz), accurate for a >= 2.5.
  let f = a;
  let c = a;
  let d = 0;
  for (let n = 1; n < 200; n += 1) {
    const an = n / 2;
    d = a + an * d;
    d = d === 0 ? 1e-300 : 1 / d;
    c = a + an / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  return x < 0 ? erfc - 1 : 1 - erfc;
}
