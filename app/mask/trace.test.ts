import { describe, expect, test } from 'vitest';
import { createRandom } from '../tensors/random';
import { compile } from './compile';
import { MaskCompileError } from './errors';
import { PRESETS } from './presets';
import { randomProgram } from '../../testing/randomProgram';
import { createTracer, formatTraceValue, traceMask, traceScore, type TraceNode } from './trace';

const freshSeed = (): number => Math.floor(Math.random() * 2 ** 31);

function walk(node: TraceNode, visit: (n: TraceNode) => void): void {
  visit(node);
  node.children.forEach((c) => walk(c, visit));
}

function find(node: TraceNode, test: (n: TraceNode) => boolean): TraceNode | undefined {
  let found: TraceNode | undefined;
  walk(node, (n) => {
    if (!found && test(n)) found = n;
  });
  return found;
}

describe('trace values equal the compiled program', () => {
  test.each(PRESETS.map((p) => [p.id, p] as const))('%s on random cells', (_id, preset) => {
    const seed = freshSeed();
    const random = createRandom(seed);
    const compiled = compile(preset.source);
    const tracer = createTracer(compiled);
    const { Q, KV, B, H } = preset.example;
    for (let k = 0; k < 60; k++) {
      const b = random.nextInt(0, B - 1);
      const h = random.nextInt(0, H - 1);
      const q = random.nextInt(0, Q - 1);
      const kv = random.nextInt(0, KV - 1);
      const where = `seed ${seed}, cell (${b}, ${h}, ${q}, ${kv})`;
      const mask = tracer.traceMask(b, h, q, kv);
      expect(mask.allowed, where).toBe(compiled.mask(b, h, q, kv));
      if (mask.root) expect(mask.root.value !== 0, where).toBe(mask.allowed);
      const s = random.nextNormal() * 3;
      const score = tracer.traceScore(s, b, h, q, kv);
      expect(score.score, where).toBe(compiled.score(s, b, h, q, kv));
      expect(score.root === null, where).toBe(!compiled.hasScoreMod);
    }
  });

  test('random generated programs (mask and score) at random cells', () => {
    const seed = freshSeed();
    const random = createRandom(seed);
    let traced = 0;
    for (let k = 0; k < 40; k++) {
      const programSeed = random.nextUint32() & 0x7fffffff;
      let compiled;
      try {
        compiled = compile(randomProgram(programSeed).source);
      } catch {
        continue; // the generator may make programs the compiler refuses; those have no trace
      }
      const tracer = createTracer(compiled);
      for (let c = 0; c < 10; c++) {
        const args = [0, 1, 2, 3].map(() => random.nextInt(-50, 50)) as [
          number,
          number,
          number,
          number,
        ];
        const where = `seed ${seed}, program seed ${programSeed}, args ${args.join(', ')}`;
        expect(tracer.traceMask(...args).allowed, where).toBe(compiled.mask(...args));
        const s = random.nextNormal();
        expect(
          Object.is(tracer.traceScore(s, ...args).score, compiled.score(s, ...args)),
          where,
        ).toBe(true);
        traced++;
      }
    }
    expect(traced).toBeGreaterThan(100);
  });
});

describe('the tree', () => {
  const SOURCE = `WINDOW = 3

def causal(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx

def window(b, h, q_idx, kv_idx):
    return q_idx - kv_idx <= WINDOW

mask_mod = and_masks(causal, window)

def score_mod(score, b, h, q_idx, kv_idx):
    return torch.where(q_idx > kv_idx, score * 2, score - 1)
`;

  test('each sub-expression carries its source text and value', () => {
    const { root } = traceMask(SOURCE, 0, 0, 9, 2);
    expect(root).not.toBeNull();
    const diff = find(root!, (n) => n.text === 'q_idx - kv_idx');
    expect(diff?.value).toBe(7);
    expect(diff?.type).toBe('int');
    expect(diff?.inFunction).toBe('window');
    const param = find(root!, (n) => n.kind === 'param');
    expect(param?.label).toBe('WINDOW');
    expect(param?.value).toBe(3);
    walk(root!, (n) => {
      if (n.span) expect(SOURCE.slice(n.span.start, n.span.end)).toBe(n.text);
    });
  });

  test('and_masks names its members and says which decided', () => {
    const cases: [number, number, number | null, boolean][] = [
      // q, kv, decided by (first False), allowed
      [9, 2, 1, false], // causal holds, the window fails
      [2, 9, 0, false], // causal fails first (the window holds: 2 - 9 <= 3)
      [5, 3, null, true], // both hold: no single member decided
    ];
    for (const [q, kv, decider, allowed] of cases) {
      const { root } = traceMask(SOURCE, 0, 0, q, kv);
      expect(root?.kind).toBe('combine');
      expect(root?.combine).toBe('and_masks');
      expect(root?.children.map((c) => c.member?.name)).toEqual(['causal', 'window']);
      expect(root?.decidedBy, `q ${q}, kv ${kv}`).toBe(decider);
      expect(root?.value !== 0).toBe(allowed);
    }
  });

  test('or_masks: the first True member decides', () => {
    const source = `def a(b, h, q_idx, kv_idx):
    return q_idx == 1
def c(b, h, q_idx, kv_idx):
    return kv_idx == 1
mask_mod = or_masks(a, c)
`;
    expect(traceMask(source, 0, 0, 1, 1).root?.decidedBy).toBe(0);
    expect(traceMask(source, 0, 0, 0, 1).root?.decidedBy).toBe(1);
    expect(traceMask(source, 0, 0, 0, 0).root?.decidedBy).toBeNull();
  });

  test('a chained comparison and `&` are not mistaken for and_masks', () => {
    const { root } = traceMask(
      'def mask_mod(b, h, q_idx, kv_idx):\n    return (0 <= kv_idx <= q_idx) & (q_idx < 9)\n',
      0,
      0,
      4,
      2,
    );
    let combines = 0;
    walk(root!, (n) => {
      if (n.kind === 'combine') combines++;
    });
    expect(combines).toBe(0);
    expect(root?.value).toBe(1);
  });

  test('score_mod: the branch not taken is marked, values follow the score given', () => {
    const taken = traceScore(SOURCE, 1.5, 0, 0, 4, 1);
    expect(taken.score).toBe(3);
    const select = taken.root!;
    expect(select.kind).toBe('select');
    const [cond, then, otherwise] = select.children;
    expect(cond.value).toBe(1);
    expect(then.taken).toBe(true);
    expect(otherwise.taken).toBe(false);
    expect(otherwise.value).toBe(0.5);
    const other = traceScore(SOURCE, 1.5, 0, 0, 1, 4);
    expect(other.score).toBe(0.5);
    expect(other.root!.children[1].taken).toBe(false);
  });

  test('a value read twice is shown once, then as a repeated leaf', () => {
    const source = `def mask_mod(b, h, q_idx, kv_idx):
    d = q_idx - kv_idx
    return (d >= 0) & (d <= 2)
`;
    const { root } = traceMask(source, 0, 0, 3, 2);
    const ds: TraceNode[] = [];
    walk(root!, (n) => {
      if (n.text === 'q_idx - kv_idx') ds.push(n);
    });
    expect(ds.map((n) => n.repeated)).toEqual([false, true]);
    expect(ds[1].children).toEqual([]);
    expect(ds.every((n) => n.value === 1)).toBe(true);
  });

  test('a program without mask_mod allows every cell; without score_mod passes the score', () => {
    const source = 'def score_mod(score, b, h, q_idx, kv_idx):\n    return score + 1\n';
    expect(traceMask(source, 0, 0, 1, 2)).toMatchObject({ root: null, allowed: true });
    expect(traceScore('mask_mod = noop_mask\n', 0.25, 0, 0, 1, 1)).toMatchObject({
      root: null,
      score: 0.25,
    });
  });

  test('a bad program throws the compiler error', () => {
    expect(() => createTracer('def mask_mod(b, h, q_idx, kv_idx):\n    return q_idxx\n')).toThrow(
      MaskCompileError,
    );
  });

  test('values print as Python would', () => {
    expect(formatTraceValue(1, 'bool')).toBe('True');
    expect(formatTraceValue(0, 'bool')).toBe('False');
    expect(formatTraceValue(-3, 'int')).toBe('-3');
    expect(formatTraceValue(2, 'float')).toBe('2.0');
    expect(formatTraceValue(0.1234567, 'float')).toBe('0.123457');
    expect(formatTraceValue(-Infinity, 'float')).toBe('-inf');
  });
});
