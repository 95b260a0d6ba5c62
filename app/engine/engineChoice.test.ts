import { describe, expect, it } from 'vitest';
import { decideEngine, type EngineFacts, type GpuFacts } from './engineChoice';

const realGpu: GpuFacts = { kind: 'gpu', adapter: 'nvidia / hopper', software: false };
const softwareGpu: GpuFacts = { kind: 'gpu', adapter: 'google / swiftshader', software: true };
const noGpu: GpuFacts = { kind: 'none', reason: 'navigator.gpu is missing' };
const tooLong = 'The CPU engine handles Q_LEN and KV_LEN up to 2048 (asked: Q_LEN=4096).';

function facts(overrides: Partial<EngineFacts>): EngineFacts {
  return {
    gpu: softwareGpu,
    preference: 'auto',
    calibration: null,
    cpuRefuses: null,
    ...overrides,
  };
}

describe('which engine runs', () => {
  it('a real GPU runs on auto, whatever a calibration said', () => {
    const decision = decideEngine(facts({ gpu: realGpu, calibration: { gpuMs: 50, cpuMs: 10 } }));
    expect(decision.engine).toBe('gpu');
    expect(decision.reason).toContain('nvidia / hopper');
  });

  it('on a software adapter the faster engine of the calibration runs, and the header says why', () => {
    const cpuFaster = decideEngine(facts({ calibration: { gpuMs: 240, cpuMs: 31.5 } }));
    expect(cpuFaster.engine).toBe('cpu');
    expect(cpuFaster.reason).toMatch(/software.*CPU engine 32 ms, software GPU 240 ms/);
    const gpuFaster = decideEngine(facts({ calibration: { gpuMs: 20, cpuMs: 31.5 } }));
    expect(gpuFaster.engine).toBe('gpu');
    expect(gpuFaster.reason).toContain('faster here');
  });

  it('on a software adapter without a calibration, or with a shape too long for the CPU, the GPU runs', () => {
    expect(decideEngine(facts({ calibration: null })).engine).toBe('gpu');
    const long = decideEngine(
      facts({ calibration: { gpuMs: 240, cpuMs: 30 }, cpuRefuses: tooLong }),
    );
    expect(long.engine).toBe('gpu');
    expect(long.reason).toContain('too long for the CPU engine');
  });

  it('without WebGPU the CPU engine runs, and a shape past its limit is refused with the reason', () => {
    const decision = decideEngine(facts({ gpu: noGpu }));
    expect(decision).toEqual({
      engine: 'cpu',
      reason: 'No WebGPU here (navigator.gpu is missing), so the CPU engine runs.',
    });
    expect(() => decideEngine(facts({ gpu: noGpu, cpuRefuses: tooLong }))).toThrow(tooLong);
  });

  it('the user may force either engine where it exists', () => {
    const slowCpu = { gpuMs: 10, cpuMs: 100 };
    expect(decideEngine(facts({ preference: 'cpu', calibration: slowCpu })).engine).toBe('cpu');
    expect(decideEngine(facts({ gpu: realGpu, preference: 'cpu' })).engine).toBe('cpu');
    const fastCpu = { gpuMs: 100, cpuMs: 10 };
    expect(decideEngine(facts({ preference: 'gpu', calibration: fastCpu })).engine).toBe('gpu');
  });

  it('forcing an engine that cannot run is refused, not quietly ignored', () => {
    expect(() => decideEngine(facts({ gpu: noGpu, preference: 'gpu' }))).toThrow(/no WebGPU/);
    expect(() => decideEngine(facts({ preference: 'cpu', cpuRefuses: tooLong }))).toThrow(tooLong);
  });
});
