import { describe, expect, test } from 'vitest';
import { compile } from '../mask/compile';
import { PRESETS, type Preset } from '../mask/presets';
import type { CompiledProgram } from '../mask/types';
import {
  composePrograms,
  hasMaskMod,
  hasScoreMod,
  identifierFrom,
  leadingComment,
  negateProgram,
} from './compose';
import { DEFAULT_CODE } from '../problem';
import { topLevelNames } from '../mask/programText';

const masks = PRESETS.filter((p) => p.kind === 'mask');
const scores = PRESETS.filter((p) => p.kind === 'score');

/** Every (b, h, q, kv) both presets' example sizes hold (capped, to keep the suite quick). */
function* grid(a: Preset, b: Preset) {
  const B = Math.min(a.example.B, b.example.B);
  const H = Math.min(a.example.H, b.example.H);
  const Q = Math.min(a.example.Q, b.example.Q, 16);
  const KV = Math.min(a.example.KV, b.example.KV, 16);
  for (let bi = 0; bi < B; bi++)
    for (let h = 0; h < H; h++)
      for (let q = 0; q < Q; q++) for (let kv = 0; kv < KV; kv++) yield [bi, h, q, kv] as const;
}

function expectMaskEquals(
  composed: CompiledProgram,
  expected: (b: number, h: number, q: number, kv: number) => boolean,
  cells: Iterable<readonly [number, number, number, number]>,
  what: string,
) {
  for (const [b, h, q, kv] of cells) {
    const got = composed.mask(b, h, q, kv);
    if (got !== expected(b, h, q, kv)) {
      throw new Error(`${what}: mask(${b}, ${h}, ${q}, ${kv}) is ${got}`);
    }
  }
}

describe('composePrograms', () => {
  const compiled = new Map(PRESETS.map((p) => [p.id, compile(p.source)]));
  const of = (p: Preset) => compiled.get(p.id)!;

  test.each(masks.map((m) => [m.id, m]))('%s AND / OR / AND NOT every mask preset', (_, first) => {
    for (const second of masks) {
      const a = of(first);
      const b = of(second);
      const cells = [...grid(first, second)];
      const and = compile(composePrograms(first.source, second.source, 'and', second.id));
      expectMaskEquals(
        and,
        (...i) => a.mask(...i) && b.mask(...i),
        cells,
        `${first.id} AND ${second.id}`,
      );
      const or = compile(composePrograms(first.source, second.source, 'or', second.id));
      expectMaskEquals(
        or,
        (...i) => a.mask(...i) || b.mask(...i),
        cells,
        `${first.id} OR ${second.id}`,
      );
      const andNot = compile(composePrograms(first.source, second.source, 'andNot', second.id));
      expectMaskEquals(
        andNot,
        (...i) => a.mask(...i) && !b.mask(...i),
        cells,
        `${first.id} AND NOT ${second.id}`,
      );
    }
  });

  test('composing with itself renames nothing that is shared and still means the same mask', () => {
    for (const p of masks) {
      const text = composePrograms(p.source, p.source, 'and', p.id);
      const program = compile(text);
      expectMaskEquals(program, (...i) => of(p).mask(...i), grid(p, p), `${p.id} AND itself`);
    }
  });

  test('colliding definitions that differ are renamed, identical ones are shared', () => {
    const base =
      'W = 2\ndef near(b, h, q_idx, kv_idx):\n    return q_idx - kv_idx <= W\nmask_mod = near\n';
    const other =
      'W = 5\ndef near(b, h, q_idx, kv_idx):\n    return kv_idx - q_idx <= W\nmask_mod = near\n';
    const text = composePrograms(base, other, 'and', 'other');
    const names = topLevelNames(text);
    expect(names).toContain('W');
    expect(names).toContain('near');
    expect(names.filter((n) => n.startsWith('W_'))).toHaveLength(1);
    expect(names.filter((n) => n.startsWith('near_'))).toHaveLength(1);
    const program = compile(text);
    for (let q = 0; q < 12; q++) {
      for (let kv = 0; kv < 12; kv++) {
        expect(program.mask(0, 0, q, kv)).toBe(q - kv <= 2 && kv - q <= 5);
      }
    }
    const same = composePrograms(base, base, 'or', 'again');
    expect(topLevelNames(same).filter((n) => n === 'near' || n.startsWith('near_'))).toEqual([
      'near',
    ]);
  });

  test('AND onto and_masks(a, b) extends the call instead of nesting', () => {
    const causal = PRESETS.find((p) => p.id === 'causal')!;
    const text = composePrograms(DEFAULT_CODE, causal.source, 'and', 'causal');
    expect(text).toMatch(/^mask_mod = and_masks\(causal, padding, \w+\)$/m);
    compile(text);
  });

  test('a program without mask_mod (noop): AND gives the other mask, OR gives everything', () => {
    const scoreOnly = 'def score_mod(score, b, h, q_idx, kv_idx):\n    return score * 2\n';
    const causal = PRESETS.find((p) => p.id === 'causal')!;
    const and = compile(composePrograms(scoreOnly, causal.source, 'and', 'causal'));
    const or = compile(composePrograms(scoreOnly, causal.source, 'or', 'causal'));
    for (let q = 0; q < 8; q++) {
      for (let kv = 0; kv < 8; kv++) {
        expect(and.mask(0, 0, q, kv)).toBe(q >= kv);
        expect(or.mask(0, 0, q, kv)).toBe(true);
      }
    }
    expect(and.hasScoreMod).toBe(true);
  });

  test.each(scores.map((s) => [s.id, s]))('score_mod from %s keeps the base mask', (_, preset) => {
    const scorePart = of(preset);
    for (const base of masks.slice(0, 6)) {
      const program = compile(composePrograms(base.source, preset.source, 'scoreMod', preset.id));
      expect(program.hasScoreMod).toBe(true);
      const cells = [...grid(base, preset)];
      expectMaskEquals(
        program,
        (...i) => of(base).mask(...i) && scorePart.mask(...i),
        cells,
        `${base.id} + score_mod ${preset.id}`,
      );
      for (const [b, h, q, kv] of cells.slice(0, 40)) {
        expect(program.score(0.75, b, h, q, kv)).toBeCloseTo(
          scorePart.score(0.75, b, h, q, kv),
          12,
        );
      }
    }
  });

  test('a mask preset with a score_mod never replaces the base score_mod', () => {
    const alibi = PRESETS.find((p) => p.id === 'alibi')!;
    const soft = PRESETS.find((p) => p.kind === 'score' && p.id !== 'alibi')!;
    const text = composePrograms(alibi.source, soft.source, 'and', soft.id);
    const program = compile(text);
    expect(program.score(1.5, 0, 2, 5, 1)).toBeCloseTo(of(alibi).score(1.5, 0, 2, 5, 1), 12);
  });
});

describe('negateProgram', () => {
  test.each(masks.map((m) => [m.id, m]))('NOT %s is the complement', (_, preset) => {
    const original = compile(preset.source);
    const negated = compile(negateProgram(preset.source));
    expectMaskEquals(
      negated,
      (...i) => !original.mask(...i),
      grid(preset, preset),
      `NOT ${preset.id}`,
    );
  });

  test('NOT twice is the original mask', () => {
    const program = compile(negateProgram(negateProgram(DEFAULT_CODE)));
    const original = compile(DEFAULT_CODE);
    for (let q = 0; q < 10; q++) {
      for (let kv = 0; kv < 10; kv++) {
        expect(program.mask(0, 0, q, kv)).toBe(original.mask(0, 0, q, kv));
      }
    }
  });

  test('NOT of a program with no mask_mod allows nothing', () => {
    const program = compile(
      negateProgram('def score_mod(score, b, h, q_idx, kv_idx):\n    return score\n'),
    );
    expect(program.mask(0, 0, 3, 1)).toBe(false);
  });
});

describe('helpers', () => {
  test('identifierFrom makes Python identifiers', () => {
    expect(identifierFrom('sliding-window')).toBe('sliding_window');
    expect(identifierFrom('2D NATTEN')).toBe('m_2d_natten');
    expect(identifierFrom('***')).toBe('preset');
  });
  test('hasMaskMod / hasScoreMod read the entries', () => {
    expect(hasMaskMod(DEFAULT_CODE)).toBe(true);
    expect(hasScoreMod(DEFAULT_CODE)).toBe(false);
    expect(hasScoreMod('def score_mod(score, b, h, q_idx, kv_idx):\n    return score\n')).toBe(
      true,
    );
    expect(hasMaskMod('x = 1\n# mask_mod = causal\n')).toBe(false);
  });
  test('leadingComment joins the opening comment lines', () => {
    expect(leadingComment('\n# One\n# two\nx = 1\n# not this')).toBe('One two');
    expect(leadingComment('x = 1')).toBe('');
  });
});
