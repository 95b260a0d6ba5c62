import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { compile } from '../mask/compile';
import type { ParamInfo } from '../mask/types';
import {
  constantsOf,
  findConstant,
  formatParamValue,
  MAX_PARAM_SLIDERS,
  MAX_QUOTED_CHARS,
  MAX_SCANNED_SOURCE,
  paramListing,
  quoteShort,
  readConstant,
  rewriteParam,
  sliderRange,
  splitForSliders,
} from './params';
import { topLevelStatements } from '../mask/programText';

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

// ---- hostile text: bounded work, asserted by result (timings are in params.bench.ts) ---------

const DIGITS = '1'.repeat(40_000);

/** A program of `p0=1`, `p1=1`, ... lines up to `bytes` characters, and its names. */
function manyConstants(bytes: number): { source: string; names: string[] } {
  const lines: string[] = [];
  const names: string[] = [];
  let size = 0;
  for (let i = 0; ; i += 1) {
    const line = `p${i}=${i % 10}\n`;
    if (size + line.length > bytes) break;
    lines.push(line);
    names.push(`p${i}`);
    size += line.length;
  }
  return { source: lines.join(''), names };
}

function byName(name: string, type: ParamInfo['type'] = 'int'): ParamInfo {
  // A span that points nowhere useful: rewrites must find the constant by name.
  return { name, type, value: 0, span: { start: 0, end: 0 } };
}

describe('a 40,000-character literal', () => {
  test('digits then a letter are not a literal', () => {
    const source = `X = ${DIGITS}a\n`;
    expect(findConstant(source, 'X')).toBeNull();
    expect(readConstant(source, 'X')).toBeNull();
    expect(rewriteParam(source, byName('X'), 5, null)).toBe(source);
    // By span too: the compiler's span of a text that is not a literal changes nothing.
    const span = { start: 4, end: source.length - 1 };
    expect(rewriteParam(source, { ...byName('X'), span }, 5)).toBe(source);
  });

  test('40,000 digits are one literal, found and rewritten whole', () => {
    const source = `X = ${DIGITS}  # long\nY = 2\n`;
    const span = findConstant(source, 'X');
    expect(span).toEqual({ start: 4, end: 4 + DIGITS.length });
    expect(rewriteParam(source, byName('X'), 5, null)).toBe('X = 5  # long\nY = 2\n');
    expect(readConstant(source, 'Y')).toBe(2);
  });

  test('underscores, a long fraction, a long exponent and a long run of spaces after a sign', () => {
    const underscored = `X = ${'1_'.repeat(20_000)}1\n`;
    expect(findConstant(underscored, 'X')).toEqual({ start: 4, end: underscored.length - 1 });
    expect(readConstant(underscored, 'X')).toBeNull(); // past a double's range
    expect(readConstant(`X = ${'0_'.repeat(20_000)}7\n`, 'X')).toBe(7);
    expect(readConstant(`X = 1.${'0'.repeat(40_000)}1\n`, 'X')).toBe(1);
    expect(readConstant(`X = 1.${'0'.repeat(40_000)}x\n`, 'X')).toBeNull();
    expect(readConstant(`X = 1e${'0'.repeat(40_000)}2\n`, 'X')).toBe(100);
    expect(readConstant(`X = 1e${'0'.repeat(40_000)}\n`, 'X')).toBe(1);
    expect(readConstant(`X = 1e+${'_'.repeat(40_000)}\n`, 'X')).toBeNull();
    expect(readConstant(`X = -${' '.repeat(40_000)}3\n`, 'X')).toBe(-3);
    expect(readConstant(`X = ${'('.repeat(20_000)}3${')'.repeat(20_000)}\n`, 'X')).toBe(3);
    expect(readConstant(`X = ${'('.repeat(20_000)}3${')'.repeat(19_999)}\n`, 'X')).toBeNull();
    expect(readConstant(`X = ${'.'.repeat(40_000)}\n`, 'X')).toBeNull();
    expect(readConstant(`X = ${'-'.repeat(40_000)}1\n`, 'X')).toBeNull();
  });
});

describe('a 100 KB program of constants', () => {
  const { source, names } = manyConstants(100 * 1024);

  test('every constant is read from one table per text', () => {
    expect(source.length).toBeLessThanOrEqual(100 * 1024);
    expect(names.length).toBeGreaterThan(10_000);
    const table = constantsOf(source);
    // Memoised by the text: the same table (and the same statements) for an equal text.
    expect(constantsOf(source.slice(0))).toBe(table);
    expect(constantsOf(`${source}`)).toBe(table);
    expect(topLevelStatements(source)).toBe(topLevelStatements(source));
    names.forEach((name, i) => {
      expect(table.value(name)).toBe(i % 10);
      expect(readConstant(source, name)).toBe(i % 10);
    });
    // A changed text is a new table.
    expect(constantsOf(`${source}# edit\n`)).not.toBe(table);
  });

  test('a rewrite by name (the text moved on) changes that one literal', () => {
    const last = names[names.length - 1];
    const moved = `# moved\n${source}`;
    const next = rewriteParam(moved, byName(last), 12345, source);
    expect(next).toBe(moved.replace(new RegExp(`\\n${last}=\\d\\n$`), `\n${last}=12345\n`));
    expect(readConstant(next, last)).toBe(12345);
    expect(readConstant(next, names[0])).toBe(0);
  });

  test('the compiler reports every constant and each span rewrites its own literal', () => {
    const program = `${source.slice(0, 30 * 1024)}mask_mod = noop_mask\n`;
    const params = compile(program).params;
    expect(params.length).toBeGreaterThan(3000);
    for (const p of [params[0], params[1], params[params.length - 1]]) {
      const next = rewriteParam(program, p, 7);
      expect(readConstant(next, p.name)).toBe(7);
      expect(next.length).toBe(program.length);
    }
  });

  test('a text past MAX_SCANNED_SOURCE is not scanned: values unknown, rewrites by name refused', () => {
    const huge = `X = 3\n${'# padding\n'.repeat(MAX_SCANNED_SOURCE / 10 + 1)}`;
    expect(huge.length).toBeGreaterThan(MAX_SCANNED_SOURCE);
    expect(readConstant(huge, 'X')).toBeNull();
    expect(rewriteParam(huge, byName('X'), 4, null)).toBe(huge);
    // By the compiled span (the text is the compiled one) the literal is still rewritten.
    expect(rewriteParam(huge, { ...byName('X'), span: { start: 4, end: 5 } }, 4)).toBe(
      huge.replace('X = 3', 'X = 4'),
    );
  });
});

describe('literals the scan accepts', () => {
  test('signed ints and floats, parentheses, bases and bools read back as written', () => {
    const cases: [string, number | null][] = [
      ['3', 3],
      ['-3', -3],
      ['- 3', -3],
      ['+3', 3],
      ['(3)', 3],
      ['( -3 )', -3],
      ['1_000', 1000],
      ['2.5', 2.5],
      ['5.', 5],
      ['.5', 0.5],
      ['1e-3', 0.001],
      ['1E5', 100000],
      ['0x1F', 31],
      ['0o17', 15],
      ['0b101', 5],
      ['True', 1],
      ['False', 0],
      ['M3', null],
      ['1 + 2', null],
      ['5 - 3', null],
      ['-True', null],
      ['--3', null],
      ['3,', null],
      ['1.2.3', null],
      ['1e', null],
      ['0x', null],
      ['0xG', null],
      ['.', null],
      ['-', null],
      ['()', null],
      ['"3"', null],
      ['[3]', null],
      ['3; Y = 4', null],
    ];
    for (const [literal, value] of cases) {
      expect([literal, readConstant(`X = ${literal}  # c\n`, 'X')]).toEqual([literal, value]);
    }
    expect(readConstant('X: int = 4\n', 'X')).toBe(4);
  });

  test('on any text a read is null or the number its literal spells, and a rewrite touches only it', () => {
    const piece = fc.constantFrom(
      '1',
      '0',
      '9',
      '_',
      '.',
      'e',
      'E',
      'x',
      '-',
      '+',
      ' ',
      '(',
      ')',
      'True',
      '#',
      '\n',
      '"',
      'Y = ',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        const source = `X = ${pieces.join('')}\n`;
        const span = findConstant(source, 'X');
        const value = readConstant(source, 'X');
        if (span === null) {
          expect(value).toBeNull();
          expect(rewriteParam(source, byName('X'), 7, null)).toBe(source);
          return;
        }
        const text = source.slice(span.start, span.end);
        if (value !== null) {
          const expected =
            text === 'True' ? 1 : text === 'False' ? 0 : Number(text.replace(/[\s_]/g, ''));
          expect(value).toBe(expected);
        }
        const next = rewriteParam(source, byName('X'), 7, null);
        expect(next).toBe(`${source.slice(0, span.start)}7${source.slice(span.end)}`);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the slider cap', () => {
  test('the first MAX_PARAM_SLIDERS parameters get sliders, the rest are listed', () => {
    const { source, names } = manyConstants(2000);
    const params = names.map((name, i) => ({ ...byName(name), value: i % 10 }));
    const { sliders, rest } = splitForSliders(params);
    expect(sliders).toHaveLength(MAX_PARAM_SLIDERS);
    expect(rest).toHaveLength(params.length - MAX_PARAM_SLIDERS);
    expect(sliders[0].name).toBe('p0');
    expect(rest[0].name).toBe(`p${MAX_PARAM_SLIDERS}`);
    const few = params.slice(0, 3);
    expect(splitForSliders(few)).toEqual({ sliders: few, rest: [] });

    // Values as the text has them now.
    const edited = source.replace(`\np${MAX_PARAM_SLIDERS}=4\n`, `\np${MAX_PARAM_SLIDERS}=40\n`);
    const lines = paramListing(rest, constantsOf(edited)).split('\n');
    expect(lines).toHaveLength(rest.length);
    expect(lines[0]).toBe(`p${MAX_PARAM_SLIDERS}=40`.replace('=', ' = '));
    expect(lines[1]).toBe(`p${MAX_PARAM_SLIDERS + 1} = 5`);
  });

  test('the listing quotes at most MAX_QUOTED_CHARS of a name', () => {
    const name = 'n'.repeat(51_000);
    const listing = paramListing([{ ...byName(name), type: 'float', value: 0.5 }], constantsOf(''));
    expect(listing.length).toBeLessThanOrEqual(MAX_QUOTED_CHARS + 20);
    expect(listing.endsWith('\u2026 = 0.5')).toBe(true);
    expect(quoteShort('short')).toBe('short');
  });
});
