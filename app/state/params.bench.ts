// `npx vitest bench --run app/state/params.bench.ts`: what the parameter panel costs on hostile
// text. The unit tests (params.test.ts) assert the results of the same inputs; speed is measured
// here, not asserted.
//
// Measured on the 2-core development machine, mean per iteration; "before" is the same file run
// against the previous params.ts / programText.ts (one tokenization per slider per render, and a
// backtracking regex for the literal):
//
// | case                                                               | before          | after   |
// | ------------------------------------------------------------------ | --------------- | ------- |
// | slider values of the first 64 parameters after an edit             | 2,034 ms        | 27 ms   |
// | values of all 17,533 parameters after an edit                      | about 9 min (*) | 44 ms   |
// | one slider event during a drag: rewrite, then the 64 slider values | 2,105 ms        | 29 ms   |
// | findConstant, 40,000 digits then a letter (not a literal)          | 2,261 ms        | 2.2 ms  |
// | findConstant, 40,000 digits                                        | 1.2 ms          | 1.4 ms  |
//
// (*) not run: 17,533 tokenizations of the whole text at about 32 ms each, which is what the
// panel did on every render when it drew a slider per parameter.
import { bench, describe } from 'vitest';
import type { ParamInfo } from '../mask/types';
import { constantsOf, findConstant, readConstant, rewriteParam } from './params';

const KEYWORDS = new Set(['as', 'if', 'in', 'is', 'or', 'and', 'def', 'del', 'for', 'not', 'try']);

/** Short identifiers: a..Z, then aa..ZZ, then aaa..., skipping Python's keywords. */
function shortNames(count: number): string[] {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const names: string[] = [];
  for (let i = 0; names.length < count; i += 1) {
    let n = i;
    let name = '';
    do {
      name = letters[n % letters.length] + name;
      n = Math.floor(n / letters.length) - 1;
    } while (n >= 0);
    if (!KEYWORDS.has(name)) names.push(name);
  }
  return names;
}

/** A program of `name=1` lines up to `bytes` characters (100 KB gives about 17,500 constants). */
function manyConstants(bytes: number): { source: string; names: string[] } {
  const names = shortNames(Math.ceil(bytes / 4));
  let source = '';
  const used: string[] = [];
  for (const name of names) {
    const line = `${name}=1\n`;
    if (source.length + line.length > bytes) break;
    source += line;
    used.push(name);
  }
  return { source, names: used };
}

const BIG = manyConstants(100 * 1024);
const DIGITS = '1'.repeat(40_000);
let edits = 0;

describe(`a 100 KB program of ${BIG.names.length} constants`, () => {
  bench(
    'slider values of the first 64 parameters after an edit',
    () => {
      edits += 1;
      const code = `${BIG.source}# edit ${edits}\n`;
      for (const name of BIG.names.slice(0, 64)) readConstant(code, name);
    },
    { iterations: 10, time: 0 },
  );
  bench(
    `values of all ${BIG.names.length} parameters after an edit`,
    () => {
      edits += 1;
      const table = constantsOf(`${BIG.source}# edit ${edits}\n`);
      for (const name of BIG.names) table.value(name);
    },
    { iterations: 10, time: 0 },
  );
  // A drag: each slider event rewrites the text (the compile lags behind, so the constant is
  // found by name) and the panel renders its 64 sliders' values from the new text.
  let dragged = BIG.source;
  let dragValue = 1;
  bench(
    'one slider event during a drag: rewrite, then the 64 slider values',
    () => {
      dragValue += 1;
      const param: ParamInfo = {
        name: BIG.names[0],
        type: 'int',
        value: 1,
        span: { start: 0, end: 0 },
      };
      dragged = rewriteParam(dragged, param, dragValue, null);
      if (readConstant(dragged, BIG.names[0]) !== dragValue) throw new Error('no rewrite');
      for (const name of BIG.names.slice(0, 64)) readConstant(dragged, name);
    },
    { iterations: 10, time: 0 },
  );
});

describe('a 40,000-character literal', () => {
  bench(
    'findConstant, 40,000 digits then a letter (not a literal)',
    () => {
      edits += 1;
      findConstant(`X = ${DIGITS}a\n# edit ${edits}\n`, 'X');
    },
    { iterations: 10, time: 0 },
  );
  bench(
    'findConstant, 40,000 digits',
    () => {
      edits += 1;
      findConstant(`X = ${DIGITS}\n# edit ${edits}\n`, 'X');
    },
    { iterations: 10, time: 0 },
  );
});
