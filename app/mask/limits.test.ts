import { describe, expect, test } from 'vitest';
import { compile, compileWithLimits } from './compile';
import { MaskCompileError } from './errors';
import { DEFAULT_LIMITS } from './limits';

/** Compiles, expecting a MaskCompileError; returns it and how long compile() took. */
function timedError(compileIt: () => unknown): { error: MaskCompileError; ms: number } {
  const start = performance.now();
  try {
    compileIt();
  } catch (error) {
    const ms = performance.now() - start;
    expect(error).toBeInstanceOf(MaskCompileError);
    return { error: error as MaskCompileError, ms };
  }
  throw new Error('expected a compile error');
}

const MASK = 'def mask_mod(b, h, q_idx, kv_idx):\n    return ';

// The bounds below only say "no hang": a limit that failed to trigger would run for seconds or
// overflow the stack. How fast each error comes is measured, not asserted tightly (the machines
// are shared): `npx vitest bench --run app/mask/compile.bench.ts`.
const NO_HANG_MS = 2000;

describe('limits give an error instead of a hang', () => {
  test('100000 nested parentheses', () => {
    const deep = `${MASK}${'('.repeat(100000)}q_idx${')'.repeat(100000)} > 0\n`;
    const { error, ms } = timedError(() => compile(deep));
    expect(error.kind).toBe('LimitError');
    expect(ms).toBeLessThan(NO_HANG_MS);
    // Under the size limit, the nesting limit itself answers.
    const nested = `${MASK}${'('.repeat(1000)}q_idx${')'.repeat(1000)} > 0\n`;
    const second = timedError(() => compile(nested));
    expect(second.error.detail).toMatch(/too many nested parentheses \(the limit is 64\)/);
    expect(second.ms).toBeLessThan(NO_HANG_MS);
  });

  test('deep nesting within the bracket limit is still bounded (unary chains)', () => {
    const { error, ms } = timedError(() => compile(`${MASK}${'-'.repeat(50000)}q_idx > 0\n`));
    expect(error.kind).toBe('LimitError');
    expect(ms).toBeLessThan(NO_HANG_MS);
  });

  test('a source over 100 KB', () => {
    const huge = `${MASK}True\n${'# padding\n'.repeat(11000)}`;
    const { error, ms } = timedError(() => compile(huge));
    expect(error.detail).toMatch(/the limit is 102400/);
    expect(ms).toBeLessThan(NO_HANG_MS);
  });

  test('a huge tensor literal', () => {
    const values = Array.from({ length: 70000 }, () => '1').join(',');
    const { error, ms } = timedError(() => compile(`t = [${values}]\nmask_mod = noop_mask\n`));
    expect(error.kind).toBe('LimitError');
    expect(ms).toBeLessThan(NO_HANG_MS);
  });

  test('a tensor over the element limit (with a small source limit out of the way)', () => {
    const values = Array.from({ length: 70000 }, () => '1').join(',');
    const limits = { ...DEFAULT_LIMITS, maxSourceLength: 1_000_000 };
    const { error, ms } = timedError(() =>
      compileWithLimits(`t = [${values}]\nmask_mod = noop_mask\n`, limits),
    );
    expect(error.detail).toMatch(/70000 elements \(the limit is 65536\)/);
    expect(ms).toBeLessThan(NO_HANG_MS);
  });

  test('a very long flat expression', () => {
    const { error, ms } = timedError(() => compile(`${MASK}q_idx${' + 1'.repeat(20000)} > 0\n`));
    expect(error.detail).toMatch(/expression too long/);
    expect(ms).toBeLessThan(NO_HANG_MS);
  });

  test('calls nested past the call-depth limit', () => {
    const defs = Array.from(
      { length: 240 },
      (_, i) => `def f${i + 1}(x):\n    return f${i}(x) + 1\n`,
    ).join('');
    const { error, ms } = timedError(() =>
      compile(`def f0(x):\n    return x\n${defs}${MASK}f240(q_idx) > 0\n`),
    );
    expect(error.kind).toBe('RecursionError');
    expect(error.detail).toMatch(/flexmask allows 200 nested calls/);
    expect(ms).toBeLessThan(NO_HANG_MS);
  });

  test('exponential inlining hits the node limit', () => {
    const defs = Array.from(
      { length: 30 },
      (_, i) => `def g${i + 1}(x):\n    return g${i}(x + 1) + g${i}(x - 1)\n`,
    ).join('');
    const { error, ms } = timedError(() =>
      compile(`def g0(x):\n    return x\n${defs}${MASK}g30(q_idx) > 0\n`),
    );
    // Hash-consing shares equal subtrees, so either the node limit or the work budget answers.
    expect(error.kind).toBe('LimitError');
    expect(ms).toBeLessThan(NO_HANG_MS);
  });

  test('deep indentation', () => {
    let body = '';
    for (let i = 0; i < 80; i += 1) body += `${' '.repeat(4 * (i + 1))}if q_idx > ${i}:\n`;
    body += `${' '.repeat(4 * 81)}return True\n    return False\n`;
    const { error, ms } = timedError(() => compile(`def mask_mod(b, h, q_idx, kv_idx):\n${body}`));
    expect(error.kind).toBe('LimitError');
    expect(ms).toBeLessThan(NO_HANG_MS);
  });

  test('a long chain of dependent assignments compiles and stays fast', () => {
    const lines = Array.from({ length: 300 }, () => '    x = x * 3 + (x >> 2)\n').join('');
    const start = performance.now();
    const p = compile(
      `def mask_mod(b, h, q_idx, kv_idx):\n    x = q_idx\n${lines}    return x != kv_idx\n`,
    );
    expect(performance.now() - start).toBeLessThan(NO_HANG_MS);
    expect(typeof p.mask(0, 0, 3, 4)).toBe('boolean');
  });
});

describe('limits of the GPU code are stated by the language', () => {
  /** The deepest parenthesis nesting of a WGSL text (what a WGSL parser recurses on). */
  function maxNesting(text: string): number {
    let depth = 0;
    let max = 0;
    for (const ch of text) {
      if (ch === '(') max = Math.max(max, ++depth);
      else if (ch === ')') depth -= 1;
    }
    return max;
  }

  test('a chain of 2,100 dependent operations emits WGSL nested only a few dozen deep', () => {
    const program = compile(
      `${MASK.replace('    return ', '')}    x = q_idx\n    for k in range(700):\n        x = (x * 3 + kv_idx) % 1000003\n    return x % 2 == 0\n`,
    );
    expect(maxNesting(program.wgsl)).toBeLessThan(120);
    expect(maxNesting(program.wgslBounds)).toBeLessThan(120);
  });

  test('GPU code over the size limit is a LimitError', () => {
    const { error } = timedError(() =>
      compileWithLimits(
        `${MASK.replace('    return ', '')}    x = q_idx\n    for k in range(200):\n        x = x * 3 + kv_idx\n    return x > 0\n`,
        { ...DEFAULT_LIMITS, maxWgslChars: 4000 },
      ),
    );
    expect(error.kind).toBe('LimitError');
    expect(error.detail).toMatch(/KB of GPU code \(flexmask's limit is 3 KB\)/);
  });

  test('table reads chained 65 deep are refused, 60 deep compile', () => {
    const chain = (n: number) =>
      `import torch\nsuccessor = (torch.arange(64) + 1) % 64\n${MASK.replace('    return ', '')}    p = q_idx\n    for _ in range(${n}):\n        p = successor[p]\n    return p >= kv_idx\n`;
    expect(compile(chain(60)).tensors).toHaveLength(1);
    const { error } = timedError(() => compile(chain(65)));
    expect(error.detail).toMatch(/reads tables in a chain 65 deep/);
  });
});
