/**
 * Random well-formed mask programs for the property tests (unit and browser): each comes with its
 * source text and a straightforward reference interpreter of the same program, written here
 * independently of the compiler. Seeded, so a failure names the seed that reproduces it.
 *
 * Generated programs use ints and bools in mask_mod (so mask decisions are exact on every back
 * end) and a small float score_mod. Divisors, shift counts and exponents never contain a literal,
 * so no subexpression folds to a constant division by zero or negative shift (compile errors).
 */

import { uniformFloats } from '../app/tensors/random';

type Env = { b: number; h: number; q: number; kv: number; score: number; locals: number[] };
type Eval = (env: Env) => number;
interface Gen {
  text: string;
  run: Eval;
}

/** The seeded uniform stream the generators draw from (the project's one PRNG). */
export const seededRandom = uniformFloats;

const wrap = (x: number): number => {
  const m = ((x % 4294967296) + 4294967296) % 4294967296;
  return m >= 2147483648 ? m - 4294967296 : m;
};

/** Python semantics on i32 values, with the language's defined results where Python raises. */
const py = {
  add: (a: number, b: number) => wrap(a + b),
  sub: (a: number, b: number) => wrap(a - b),
  mul: (a: number, b: number) => Math.imul(a, b),
  floordiv: (a: number, b: number) => (b === 0 ? 0 : wrap(Math.floor(a / b))),
  mod: (a: number, b: number) => (b === 0 ? 0 : wrap(a - b * Math.floor(a / b))),
  pow: (a: number, e: number) => {
    if (e < 0) return 0;
    let r = 1;
    for (let k = 0; k < e; k += 1) r = Math.imul(r, a);
    return r;
  },
  shl: (a: number, n: number) => (n < 0 || n >= 32 ? 0 : wrap(a * 2 ** n)),
  shr: (a: number, n: number) => (n < 0 ? 0 : Math.floor(a / 2 ** Math.min(n, 40))),
  index: (i: number, n: number) => {
    const j = i < 0 ? i + n : i;
    return j >= 0 && j < n ? j : -1;
  },
};

export interface RandomProgram {
  seed: number;
  source: string;
  mask(b: number, h: number, q: number, kv: number): boolean;
  /** float64 reference of the score_mod (identity when the program has none). */
  score(score: number, b: number, h: number, q: number, kv: number): number;
}

export function randomProgram(seed: number): RandomProgram {
  const rand = seededRandom(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

  const params = Array.from({ length: int(1, 3) }, (_, k) => ({
    name: `P${k}`,
    value: int(-6, 12),
  }));
  const t1 = Array.from({ length: int(2, 6) }, () => int(-20, 20));
  const rows = int(1, 3);
  const cols = int(2, 5);
  const t2 = Array.from({ length: rows * cols }, () => (rand() < 0.5 ? 1 : 0));
  let locals: string[] = [];

  // Numbers enter traced arithmetic through `q_idx * 0 + n`: Python would combine two plain
  // numbers as unbounded ints at setup time, while the generator models int32 arithmetic on
  // traced values (what every back end computes).
  const literal = (): Gen => {
    const v = pick([0, 1, 2, 3, -1, -2, 5, 7, int(-100, 100), 2147483647, -2147483648]);
    return { text: `(q_idx * 0 + ${v < 0 ? `(${v})` : String(v)})`, run: () => v };
  };
  const variableLeaf = (): Gen => {
    const choice = int(0, 5 + (locals.length > 0 ? 2 : 0));
    switch (choice) {
      case 0:
        return { text: 'q_idx', run: (e) => e.q };
      case 1:
        return { text: 'kv_idx', run: (e) => e.kv };
      case 2:
        return { text: 'b', run: (e) => e.b };
      case 3:
        return { text: 'h', run: (e) => e.h };
      case 4: {
        const p = pick(params);
        return { text: `(kv_idx * 0 + ${p.name})`, run: () => p.value };
      }
      case 5: {
        const i = intExpr(1, true);
        return {
          text: `T1[${i.text}]`,
          run: (e) => {
            const j = py.index(i.run(e), t1.length);
            return j < 0 ? 0 : t1[j];
          },
        };
      }
      default: {
        const k = int(0, locals.length - 1);
        return { text: locals[k], run: (e) => e.locals[k] };
      }
    }
  };

  function intExpr(depth: number, allowConst: boolean): Gen {
    if (depth <= 0 || rand() < 0.25)
      return allowConst && rand() < 0.35 ? literal() : variableLeaf();
    const d = depth - 1;
    const kind = int(0, 13);
    const bin = (op: string, f: (a: number, b: number) => number, rightConst = allowConst): Gen => {
      const a = intExpr(d, allowConst);
      const b = intExpr(d, rightConst);
      return { text: `(${a.text} ${op} ${b.text})`, run: (e) => f(a.run(e), b.run(e)) };
    };
    switch (kind) {
      case 0:
        return bin('+', py.add);
      case 1:
        return bin('-', py.sub);
      case 2:
        return bin('*', py.mul);
      case 3:
        return bin('//', py.floordiv, false);
      case 4:
        return bin('%', py.mod, false);
      case 5: {
        const a = intExpr(d, allowConst);
        const n = intExpr(d, false);
        return {
          text: `(${a.text} ** (${n.text} % 6))`,
          run: (e) => py.pow(a.run(e), py.mod(n.run(e), 6)),
        };
      }
      case 6:
        return rand() < 0.5 ? bin('<<', py.shl, false) : bin('>>', py.shr, false);
      case 7: {
        const op = pick(['&', '|', '^'] as const);
        const f =
          op === '&'
            ? (a: number, b: number) => a & b
            : op === '|'
              ? (a: number, b: number) => a | b
              : (a: number, b: number) => a ^ b;
        return bin(op, f);
      }
      case 8: {
        const a = intExpr(d, allowConst);
        return rand() < 0.5
          ? { text: `(-${a.text})`, run: (e) => wrap(-a.run(e)) }
          : { text: `(~${a.text})`, run: (e) => ~a.run(e) };
      }
      case 9: {
        const a = intExpr(d, allowConst);
        const form = int(0, 1);
        return form === 0
          ? { text: `abs(${a.text})`, run: (e) => wrap(Math.abs(a.run(e))) }
          : { text: `${parenthesize(a.text)}.abs()`, run: (e) => wrap(Math.abs(a.run(e))) };
      }
      case 10: {
        const a = intExpr(d, allowConst);
        const b = intExpr(d, allowConst);
        const isMin = rand() < 0.5;
        const f = isMin ? Math.min : Math.max;
        const name =
          rand() < 0.5 ? (isMin ? 'min' : 'max') : isMin ? 'torch.minimum' : 'torch.maximum';
        return { text: `${name}(${a.text}, ${b.text})`, run: (e) => f(a.run(e), b.run(e)) };
      }
      case 11: {
        const c = boolExpr(d, allowConst);
        const a = intExpr(d, allowConst);
        const b = intExpr(d, allowConst);
        return {
          text: `torch.where(${c.text}, ${a.text}, ${b.text})`,
          run: (e) => (c.run(e) ? a.run(e) : b.run(e)),
        };
      }
      case 12: {
        // A bool in arithmetic counts as 0 or 1, as in Python.
        const c = boolExpr(d, allowConst);
        const a = intExpr(d, allowConst);
        return { text: `(${c.text} + ${a.text})`, run: (e) => wrap(c.run(e) + a.run(e)) };
      }
      default: {
        const a = intExpr(d, allowConst);
        const lo = intExpr(d, allowConst);
        const hi = intExpr(d, allowConst);
        return {
          text: `${parenthesize(a.text)}.clamp(${lo.text}, ${hi.text})`,
          run: (e) => Math.min(Math.max(a.run(e), lo.run(e)), hi.run(e)),
        };
      }
    }
  }

  function boolExpr(depth: number, allowConst: boolean): Gen {
    const d = Math.max(0, depth - 1);
    const kind = depth <= 0 ? int(0, 1) : int(0, 7);
    switch (kind) {
      case 0: {
        const op = pick(['<', '<=', '>', '>=', '==', '!='] as const);
        const a = intExpr(d, allowConst);
        const b = intExpr(d, allowConst);
        const f = {
          '<': (x: number, y: number) => x < y,
          '<=': (x: number, y: number) => x <= y,
          '>': (x: number, y: number) => x > y,
          '>=': (x: number, y: number) => x >= y,
          '==': (x: number, y: number) => x === y,
          '!=': (x: number, y: number) => x !== y,
        }[op];
        return { text: `(${a.text} ${op} ${b.text})`, run: (e) => (f(a.run(e), b.run(e)) ? 1 : 0) };
      }
      case 1: {
        const i = intExpr(d, true);
        const j = intExpr(d, true);
        return {
          text: `T2[${i.text}, ${j.text}]`,
          run: (e) => {
            const r = py.index(i.run(e), rows);
            const c = py.index(j.run(e), cols);
            return r < 0 || c < 0 ? 0 : t2[r * cols + c];
          },
        };
      }
      case 2: {
        const a = intExpr(d, allowConst);
        const b = intExpr(d, allowConst);
        const c = intExpr(d, allowConst);
        return {
          text: `(${a.text} <= ${b.text} < ${c.text})`,
          run: (e) => {
            const y = b.run(e);
            return a.run(e) <= y && y < c.run(e) ? 1 : 0;
          },
        };
      }
      case 3: {
        const op = pick(['&', '|', '^'] as const);
        const a = boolExpr(d, allowConst);
        const b = boolExpr(d, allowConst);
        const f =
          op === '&'
            ? (x: number, y: number) => x & y
            : op === '|'
              ? (x: number, y: number) => x | y
              : (x: number, y: number) => x ^ y;
        return { text: `(${a.text} ${op} ${b.text})`, run: (e) => f(a.run(e), b.run(e)) };
      }
      case 4: {
        const a = boolExpr(d, allowConst);
        return rand() < 0.5
          ? { text: `(~${a.text})`, run: (e) => 1 - a.run(e) }
          : { text: `torch.logical_not(${a.text})`, run: (e) => 1 - a.run(e) };
      }
      case 5: {
        const a = boolExpr(d, allowConst);
        const b = boolExpr(d, allowConst);
        const isAnd = rand() < 0.5;
        return {
          text: `torch.logical_${isAnd ? 'and' : 'or'}(${a.text}, ${b.text})`,
          run: (e) => (isAnd ? a.run(e) && b.run(e) : a.run(e) || b.run(e)),
        };
      }
      case 6: {
        // A traced True / False: `~True` on a Python bool would be the int -2.
        const v = rand() < 0.5;
        return { text: v ? '(kv_idx == kv_idx)' : '(kv_idx != kv_idx)', run: () => (v ? 1 : 0) };
      }
      default: {
        const c = boolExpr(d, allowConst);
        const a = boolExpr(d, allowConst);
        const b = boolExpr(d, allowConst);
        return {
          text: `torch.where(${c.text}, ${a.text}, ${b.text})`,
          run: (e) => (c.run(e) ? a.run(e) : b.run(e)),
        };
      }
    }
  }

  // mask_mod: a few locals, maybe an if that assigns, then a bool result.
  const lines: string[] = [];
  const steps: ((e: Env) => void)[] = [];
  locals = [];
  const localCount = int(0, 3);
  for (let k = 0; k < localCount; k += 1) {
    // Locals are leaves of later expressions, so they must not fold to constants either.
    const g = intExpr(int(1, 3), false);
    lines.push(`    v${k} = ${g.text}`);
    const slot = k;
    steps.push((e) => {
      e.locals[slot] = g.run(e);
    });
    locals.push(`v${k}`);
  }
  let ifBlock: { cond: Gen; then: Gen; otherwise: Gen } | undefined;
  if (rand() < 0.5) {
    ifBlock = { cond: boolExpr(2, true), then: intExpr(2, false), otherwise: intExpr(2, false) };
    // A traced condition picks with torch.where (Python's `if` cannot see a traced value).
    lines.push(
      `    w = torch.where(${ifBlock.cond.text}, ${ifBlock.then.text}, ${ifBlock.otherwise.text})`,
    );
    const block = ifBlock;
    const slot = locals.length;
    steps.push((e) => {
      e.locals[slot] = block.cond.run(e) ? block.then.run(e) : block.otherwise.run(e);
    });
    locals.push('w');
  }
  const result = boolExpr(int(1, 4), true);
  lines.push(`    return ${result.text}`);

  const hasScore = rand() < 0.6;
  const score = hasScore ? scoreExpr() : undefined;

  const source = [
    ...params.map((p) => `${p.name} = ${p.value}`),
    `T1 = [${t1.join(', ')}]`,
    `T2 = [${Array.from(
      { length: rows },
      (_, r) =>
        `[${t2
          .slice(r * cols, (r + 1) * cols)
          .map((v) => (v ? 'True' : 'False'))
          .join(', ')}]`,
    ).join(', ')}]`,
    '',
    'def mask_mod(b, h, q_idx, kv_idx):',
    ...lines,
    ...(score
      ? ['', 'def score_mod(score, b, h, q_idx, kv_idx):', `    return ${score.text}`]
      : []),
    '',
  ].join('\n');

  function scoreExpr(): Gen {
    const savedLocals = locals;
    locals = [];
    const term = (): Gen => {
      switch (int(0, 5)) {
        case 0:
          return { text: 'score', run: (e) => e.score };
        case 1: {
          const a = intExpr(1, true);
          return { text: `(${a.text} % 7) * 0.25`, run: (e) => py.mod(a.run(e), 7) * 0.25 };
        }
        case 2:
          return { text: 'torch.tanh(score / 4.0)', run: (e) => Math.tanh(e.score / 4) };
        case 3:
          return { text: '(q_idx - kv_idx) * 0.5', run: (e) => py.sub(e.q, e.kv) * 0.5 };
        case 4: {
          const c = boolExpr(1, true);
          return {
            text: `torch.where(${c.text}, score * 2.0, score.abs())`,
            run: (e) => (c.run(e) ? e.score * 2 : Math.abs(e.score)),
          };
        }
        default:
          return { text: 'torch.exp(score * 0.125)', run: (e) => Math.exp(e.score * 0.125) };
      }
    };
    const terms = Array.from({ length: int(1, 3) }, term);
    locals = savedLocals;
    return {
      text: terms.map((t) => t.text).join(' + '),
      run: (e) => terms.reduce((s, t) => s + t.run(e), 0),
    };
  }

  const env = (b: number, h: number, q: number, kv: number, s: number): Env => ({
    b,
    h,
    q,
    kv,
    score: s,
    locals: [],
  });
  return {
    seed,
    source,
    mask: (b, h, q, kv) => {
      const e = env(b, h, q, kv, 0);
      for (const step of steps) step(e);
      return result.run(e) !== 0;
    },
    score: (s, b, h, q, kv) => (score ? score.run(env(b, h, q, kv, s)) : s),
  };
}

function parenthesize(text: string): string {
  return text.startsWith('(') && text.endsWith(')') ? text : `(${text})`;
}
