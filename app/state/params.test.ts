import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { compile } from '../mask/compile';
import type { ParamInfo } from '../mask/types';
import { findConstant, formatParamValue, readConstant, rewriteParam, sliderRange } from './params';

const PROGRAM = `# a window
WINDOW = 3  # tokens
SCALE = 0.5
FLAG = True

def near(b, h, q_idx, kv_idx):
    return (q_idx - kv_idx <= WINDOW) & (q_idx >= kv_idx)

mask_mod = near
`;

function param(source: string, name: string): ParamInfo {
  const found = compile(source).params.find((p) => p.name === name);
  if (!found) throw new Error(`no param ${name}`);
  return found;
}

describe('rewriteParam', () => {
  test('rewrites the literal by its compiled span and the compiler reads the new value', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 5000 }), (value) => {
        const next = rewriteParam(PROGRAM, param(PROGRAM, 'WINDOW'), value);
        expect(next).toContain(`WINDOW = ${value}  # tokens`);
        expect(param(next, 'WINDOW').value).toBe(value);
        expect(next.replace(`WINDOW = ${value}`, 'WINDOW = 3')).toBe(PROGRAM);
      }),
      { numRuns: 60 },
    );
  });

  test('floats keep a decimal point, so they stay floats', () => {
    const next = rewriteParam(PROGRAM, param(PROGRAM, 'SCALE'), 2);
    expect(next).toContain('SCALE = 2.0\n');
    const p = param(next, 'SCALE');
    expect(p.type).toBe('float');
    expect(p.value).toBe(2);
  });

  test('after the text moved on, the constant is found by name', () => {
    const p = param(PROGRAM, 'WINDOW');
    const edited = `# inserted line\n${PROGRAM}`;
    const next = rewriteParam(edited, p, 7, PROGRAM);
    expect(readConstant(next, 'WINDOW')).toBe(7);
    expect(next.startsWith('# inserted line\n# a window\n')).toBe(true);
  });

  test('a constant that is no longer a literal leaves the text alone', () => {
    const p = param(PROGRAM, 'WINDOW');
    const edited = PROGRAM.replace('WINDOW = 3', 'WINDOW = SCALE');
    expect(rewriteParam(edited, p, 9, PROGRAM)).toBe(edited);
  });
});

describe('reading constants', () => {
  test('readConstant reads ints, floats, negatives and bools', () => {
    expect(readConstant(PROGRAM, 'WINDOW')).toBe(3);
    expect(readConstant(PROGRAM, 'SCALE')).toBe(0.5);
    expect(readConstant(PROGRAM, 'FLAG')).toBe(1);
    expect(readConstant('N = -4\n', 'N')).toBe(-4);
    expect(readConstant('N = M3\n', 'N')).toBeNull();
    expect(readConstant(PROGRAM, 'MISSING')).toBeNull();
  });
  test('findConstant points at the literal only', () => {
    const span = findConstant(PROGRAM, 'WINDOW')!;
    expect(PROGRAM.slice(span.start, span.end)).toBe('3');
  });
  test('formatParamValue writes Python literals', () => {
    expect(formatParamValue('int', 4.4)).toBe('4');
    expect(formatParamValue('float', 3)).toBe('3.0');
    expect(formatParamValue('float', 0.1 + 0.2)).toBe('0.3');
    expect(formatParamValue('bool', 1)).toBe('True');
    expect(formatParamValue('bool', 0)).toBe('False');
  });
});

describe('sliderRange', () => {
  test('an int range holds the value and reaches the sequence length', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -100, max: 10000 }),
        fc.integer({ min: 1, max: 4096 }),
        (v, len) => {
          const r = sliderRange(
            { name: 'X', type: 'int', value: v, span: { start: 0, end: 0 } },
            len,
          );
          expect(r.min).toBeLessThanOrEqual(v);
          expect(r.max).toBeGreaterThan(v);
          expect(r.max).toBeGreaterThanOrEqual(len);
          expect(r.step).toBe(1);
        },
      ),
    );
  });
});
