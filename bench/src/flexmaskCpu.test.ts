import { describe, expect, test } from 'vitest';
import type { CpuEngineRequest, CpuEngineResult } from '../../app/engine/cpuEngine';
import type { AttentionInputs } from '../../app/problem';
import { flexmaskCpuContender, type RunOnCpuEngine } from './flexmaskCpu';
import { wantedThreads } from './ortWasmPeer';

const shape = { B: 1, H: 1, HKV: 1, Q: 2, KV: 2, D: 2, DV: 2, blockQ: 2, blockKV: 2 };
const request = { source: 'mask_mod = None', shape, seed: 7, b: 0, h: 0 };

function inputs(): AttentionInputs {
  return {
    q: Float32Array.of(1, 2, 3, 4),
    k: Float32Array.of(5, 6, 7, 8),
    v: Float32Array.of(9, 10, 11, 12),
  };
}

/** A stand-in engine that records its requests and answers with a Float64Array output. */
function fakeEngine(calls: CpuEngineRequest[], transfer = false): RunOnCpuEngine {
  return async (req) => {
    calls.push(req);
    if (transfer) structuredClone(req.uploaded.q, { transfer: [req.uploaded.q!.buffer] });
    const result: Partial<CpuEngineResult> = {
      outputs: { out: Float64Array.of(0.5, 1.5, 2.5, 3.5), lse: Float64Array.of(0, 0) },
      ms: { blockMask: 1.5, attention: 4, picture: 0 },
      workers: 3,
      relaxedSimd: true,
    };
    return result as CpuEngineResult;
  };
}

describe('flexmaskCpuContender', () => {
  test('calls the engine with the case inputs as uploads and no picture; warm-up untimed', async () => {
    const calls: CpuEngineRequest[] = [];
    const given = inputs();
    const contender = flexmaskCpuContender(async () => fakeEngine(calls), request, given);
    await contender.prepare();
    expect(calls).toHaveLength(1);
    expect(contender.setup?.()).toEqual({ threads: 3, simd: 'relaxed SIMD (FMA)' });
    const sample = await contender.run();
    expect(calls).toHaveLength(2);
    expect(calls[1].uploaded).toBe(given);
    expect(calls[1].picture).toBe(false);
    expect(calls[1].source).toBe(request.source);
    expect(sample.kernelMs).toBe(4);
    expect(sample.blockMaskMs).toBe(1.5);
    expect(sample.wallMs).toBeGreaterThanOrEqual(0);
    expect(sample.out).toBeInstanceOf(Float32Array);
    expect(Array.from(sample.out)).toEqual([0.5, 1.5, 2.5, 3.5]);
  });

  test('an engine that detaches the inputs fails loudly instead of starving later engines', async () => {
    const contender = flexmaskCpuContender(async () => fakeEngine([], true), request, inputs());
    await expect(contender.prepare()).rejects.toThrow(/detached the case's q/);
  });
});

describe('wantedThreads (ORT wasm)', () => {
  test('every logical core when cross-origin isolated, else one', () => {
    expect(wantedThreads(true, 8)).toBe(8);
    expect(wantedThreads(false, 8)).toBe(1);
    expect(wantedThreads(true, 0)).toBe(1);
  });
});
