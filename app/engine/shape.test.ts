import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, SHAPE_MAXIMA } from '../problem';
import { decodeHash, tightenLimits } from '../url';
import { cpuShapeLimits } from './cpuRun';
import { gpuShapeLimits } from './shape';

describe('device shape limits', () => {
  it('a GPU caps each size by the floats its largest buffer binding holds', () => {
    const small = gpuShapeLimits({ maxStorageBufferBindingSize: 4096, maxBufferSize: 1 << 20 });
    expect(small).toEqual({ B: 1024, H: 1024, HKV: 1024, Q: 1024, KV: 1024, D: 1024, DV: 1024 });
    const big = { maxStorageBufferBindingSize: 2 ** 31, maxBufferSize: 2 ** 32 };
    expect(tightenLimits({ shape: gpuShapeLimits(big) }).shape).toEqual(SHAPE_MAXIMA);
  });

  it('the CPU fallback caps the sequence length', async () => {
    const limits = tightenLimits({ shape: cpuShapeLimits() });
    const { scenario, problems } = await decodeHash('#v=1&Q=2048&KV=2049', limits);
    expect(scenario.Q).toBe(2048);
    expect(scenario.KV).toBe(DEFAULT_SCENARIO.KV);
    expect(problems.map((p) => p.field)).toEqual(['KV']);
  });
});
