import { describe, expect, it } from 'vitest';
import { GpuLimitError } from '../../gpu/resources';
import {
  CPU_RUN_BUDGET_BYTES,
  GPU_RUN_BUDGET_BYTES,
  MemoryBudgetError,
  budgetAdvice,
  checkRunBudget,
  runBytes,
  type BudgetProgram,
} from './memoryBudget';
import { inputBytes, type AttentionShape } from '../problem';

const GIB = 1 << 30;
/** A discrete GPU's limits: 2 GiB per binding, as in the issue's report. */
const BIG_GPU = {
  maxStorageBufferBindingSize: 2 * GIB - 4,
  maxBufferSize: 4 * GIB,
  maxUniformBufferBindingSize: 64 * 1024,
};
/** SwiftShader's limits. */
const SWIFTSHADER = {
  maxStorageBufferBindingSize: GIB,
  maxBufferSize: GIB,
  maxUniformBufferBindingSize: 64 * 1024,
};

const program: BudgetProgram = {
  maskDeps: { b: false, h: false },
  paramWords: new Uint32Array(4),
  tensorWords: new Uint32Array(1),
};

function shape(overrides: Partial<AttentionShape>): AttentionShape {
  return {
    B: 1,
    H: 8,
    HKV: 8,
    Q: 10,
    KV: 10,
    D: 8,
    DV: 8,
    blockQ: 128,
    blockKV: 128,
    ...overrides,
  };
}

/** The issue's link: #v=1&B=8&H=64&HKV=64&Q=16384&KV=16384&D=60&DV=60. */
const ISSUE_LINK = shape({ B: 8, H: 64, HKV: 64, Q: 16384, KV: 16384, D: 60, DV: 60 });

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected a throw');
}

describe('runBytes', () => {
  it('itemises every buffer of a GPU run and sums them', () => {
    const s = shape({
      B: 2,
      H: 4,
      HKV: 2,
      Q: 300,
      KV: 200,
      D: 16,
      DV: 12,
      blockQ: 64,
      blockKV: 32,
    });
    const bytes = runBytes(s, program, { backend: 'gpu' });
    const byName = Object.fromEntries(bytes.items.map((i) => [i.what, i.bytes]));
    expect(byName['q [B=2, H=4, Q=300, D=16]']).toBe(2 * 4 * 300 * 16 * 4);
    expect(byName['k [B=2, HKV=2, KV=200, D=16]']).toBe(2 * 2 * 200 * 16 * 4);
    expect(byName['v [B=2, HKV=2, KV=200, DV=12]']).toBe(2 * 2 * 200 * 12 * 4);
    expect(byName['out and lse']).toBe(2 * 4 * 300 * 13 * 4);
    // nQ = 5, nKV = 7, mask B = H = 1: the eight int32 fields of PyTorch's BlockMask.
    const lists = 5 + 5 * 7 + 5 + 5 * 7 + 7 + 7 * 5 + 7 + 7 * 5;
    expect(byName['the BlockMask index lists']).toBe(lists * 4);
    expect(byName['the block classes']).toBe(5 * 7 * 4);
    // Every cell, as if every block were visited, after a header of two words per query block.
    expect(byName['the score picture']).toBe(2 * 5 * 4 + 300 * 200 * 4);
    expect(byName['the probability picture']).toBe(300 * 200 * 4);
    // The held scores and probabilities, then the whole scores, probabilities and mask.
    expect(byName['the picture on the page']).toBe(300 * 200 * (8 + 9));
    expect(byName['the program parameters']).toBe(16);
    expect(byName['the program tensors']).toBe(4);
    expect(bytes.total).toBe(bytes.items.reduce((sum, i) => sum + i.bytes, 0));
    expect(bytes.budget).toBe(GPU_RUN_BUDGET_BYTES);
  });

  it('sizes the BlockMask by the mask’s own B and H (1 where the mask ignores b or h)', () => {
    const s = shape({ B: 4, H: 8, HKV: 8, Q: 1024, KV: 1024 });
    const lists = (deps: { b: boolean; h: boolean }) =>
      runBytes(s, { ...program, maskDeps: deps }, { backend: 'gpu' }).items.find(
        (i) => i.what === 'the BlockMask index lists',
      )?.bytes ?? 0;
    expect(lists({ b: true, h: true })).toBe(32 * lists({ b: false, h: false }));
  });

  it('counts the program’s parameters and tensors', () => {
    const heavy = { ...program, tensorWords: new Uint32Array(1 << 20) };
    const light = runBytes(shape({}), program, { backend: 'gpu' }).total;
    expect(runBytes(shape({}), heavy, { backend: 'gpu' }).total - light).toBe((1 << 22) - 4);
  });

  it('a CPU run counts float32 outputs, the whole picture and every worker’s copy of the inputs', () => {
    const s = shape({ Q: 100, KV: 50 });
    const bytes = runBytes(s, program, { backend: 'cpu', cpuWorkers: 3 });
    const byName = Object.fromEntries(bytes.items.map((i) => [i.what, i.bytes]));
    expect(byName['out and lse']).toBe(8 * 100 * 9 * 4);
    expect(byName['the score, probability and mask pictures']).toBe(100 * 50 * 9);
    expect(byName["the workers' copies of q, k and v (3 workers)"]).toBe(3 * inputBytes(s));
    expect(bytes.budget).toBe(CPU_RUN_BUDGET_BYTES);
    const oneWorker = runBytes(s, program, { backend: 'cpu', cpuWorkers: 1 }).total;
    expect(bytes.total - oneWorker).toBeGreaterThanOrEqual(2 * inputBytes(s));
  });
});

describe('checkRunBudget', () => {
  it('the issue’s link passes every per-buffer check on a 2 GiB GPU, and is refused for its total', () => {
    const error = thrown(() =>
      checkRunBudget(ISSUE_LINK, program, { backend: 'gpu', limits: BIG_GPU }),
    );
    expect(error).toBeInstanceOf(MemoryBudgetError);
    expect(error.message).toMatch(/^This run needs \d+\.\d\d GiB of GPU memory in all/);
    expect(error.message).toContain("flexmask's budget of 1.00 GiB per run");
    expect(error.message).toContain('out and lse 1.91 GiB');
    expect(error.message).toMatch(/To fit, lower B, H, Q_LEN, D or Dv\.$/);
    const total = (error as MemoryBudgetError).bytes.total;
    expect(total).toBeGreaterThan(7.5 * GIB);
  });

  it('on a 1 GiB-per-buffer GPU the link fails first at q, with the per-buffer message', () => {
    const error = thrown(() =>
      checkRunBudget(ISSUE_LINK, program, { backend: 'gpu', limits: SWIFTSHADER }),
    );
    expect(error).toBeInstanceOf(GpuLimitError);
    expect(error.message).toBe(
      "q [B=8, H=64, Q=16384, D=60] needs 1920.0 MiB, but this GPU's maxStorageBufferBindingSize is 1024.0 MiB. Use shorter sequences, fewer heads, a smaller batch or larger blocks.",
    );
  });

  it('a buffer over the per-buffer limits is named with its size before the total is checked', () => {
    const huge = shape({ B: 64, H: 64, HKV: 64, Q: 16384, KV: 16384, D: 512, DV: 512 });
    expect(() => checkRunBudget(huge, program, { backend: 'gpu', limits: SWIFTSHADER })).toThrow(
      /^q \[B=64, H=64, Q=16384, D=512\] needs 131072\.0 MiB, but this GPU's maxStorageBufferBindingSize is/,
    );
  });

  it('a parameter uniform over maxUniformBufferBindingSize is refused, naming the limit', () => {
    const many = { ...program, paramWords: new Uint32Array(17632) };
    const error = thrown(() =>
      checkRunBudget(shape({}), many, { backend: 'gpu', limits: SWIFTSHADER }),
    );
    expect(error).toBeInstanceOf(GpuLimitError);
    expect(error.message).toContain('the program parameters need 68.9 KiB');
    expect(error.message).toContain('maxUniformBufferBindingSize is 64.0 KiB');
  });

  it('lets through the default scenario and Q = KV = 16384 at one head of 64', () => {
    expect(() =>
      checkRunBudget(shape({}), program, { backend: 'gpu', limits: SWIFTSHADER }),
    ).not.toThrow();
    const long = shape({ B: 1, H: 1, HKV: 1, Q: 16384, KV: 16384, D: 64, DV: 64 });
    const bytes = checkRunBudget(long, program, { backend: 'gpu', limits: SWIFTSHADER });
    expect(bytes.total).toBeLessThan(GIB / 4);
    expect(() => checkRunBudget(shape({}), program, { backend: 'cpu' })).not.toThrow();
  });

  it('refuses a CPU run over the worker’s budget, saying so', () => {
    const s = shape({ B: 8, H: 64, HKV: 64, Q: 2048, KV: 2048, D: 64, DV: 64 });
    const error = thrown(() => checkRunBudget(s, program, { backend: 'cpu' }));
    expect(error).toBeInstanceOf(MemoryBudgetError);
    expect(error.message).toContain("of memory on the page and in the CPU engine's workers in all");
    expect(error.message).toContain("flexmask's budget of 512.0 MiB per run");
  });

  it('stays fast for the largest shapes (no allocation: arithmetic only)', () => {
    const huge = shape({ B: 64, H: 256, HKV: 256, Q: 1 << 20, KV: 1 << 20, D: 512, DV: 512 });
    const start = performance.now();
    expect(() => checkRunBudget(huge, program, { backend: 'gpu' })).toThrow(MemoryBudgetError);
    expect(performance.now() - start).toBeLessThan(50);
  });
});

describe('budgetAdvice', () => {
  it('names what to lower, then larger blocks, in a fixed order', () => {
    expect(
      budgetAdvice([
        { what: 'x', bytes: 1, use: 'storage', knobs: ['KV_LEN', 'blocks'] },
        { what: 'y', bytes: 1, use: 'storage', knobs: ['Q_LEN'] },
      ]),
    ).toBe('lower Q_LEN or KV_LEN, or use larger blocks');
    expect(budgetAdvice([{ what: 'x', bytes: 1, use: 'storage', knobs: ['tensors'] }])).toBe(
      "make the program's setup tensors smaller",
    );
  });
});
