import { describe, expect, test } from 'vitest';
import type { EngineId, MaskId } from './cases';
import {
  cpuSetupText,
  evaluateTargets,
  resultsTable,
  targetLength,
  type TargetLine,
} from './report';
import type { CaseResult, EngineResult } from './results';

function caseResult(mask: MaskId, S: number, density: number, engines: EngineResult[]): CaseResult {
  const elements = density * 2 * S * S;
  return {
    id: `${mask}@${S}`,
    mask,
    S,
    B: 1,
    H: 2,
    D: 64,
    DV: 64,
    block: 128,
    computedBlocks: density * 32,
    totalBlocks: 32,
    density,
    computedElements: elements,
    flops: elements * 256,
    denseFlops: 2 * S * S * 256,
    engines,
  };
}

const flex = (kernel: number, wall: number, blockMask: number): EngineResult => ({
  engine: 'flexmask',
  wallMs: [wall, wall + 1, wall - 1],
  kernelMs: [kernel, kernel, kernel],
  blockMaskMs: [blockMask, blockMask, blockMask],
});
const peer = (
  engine: 'ort' | 'tfjs' | 'ort-wasm',
  wall: number,
  maxRelError = 1e-6,
  checkedAgainst: EngineId = 'flexmask',
): EngineResult => ({
  engine,
  wallMs: [wall, wall, wall],
  maxRelError,
  checkedAgainst,
});
/** flexmask's CPU engine: the whole call on the wall clock, its attention stage inside it. */
const cpu = (wall: number, attention: number, maxRelError = 1e-6): EngineResult => ({
  engine: 'flexmask-cpu',
  wallMs: [wall, wall, wall],
  kernelMs: [attention, attention, attention],
  blockMaskMs: [1, 1, 1],
  maxRelError,
  checkedAgainst: 'flexmask',
  threads: 2,
  simd: 'relaxed SIMD (FMA)',
});

/** A result as the page reports the reference engine's own: nothing checked against. */
function without(result: EngineResult): EngineResult {
  const copy = { ...result };
  delete copy.maxRelError;
  delete copy.checkedAgainst;
  return copy;
}

function line(lines: TargetLine[], start: string): TargetLine {
  const found = lines.find((l) => l.name.startsWith(start));
  if (!found) throw new Error(`no target line starting ${start}`);
  return found;
}

describe('evaluateTargets', () => {
  const cases = [
    caseResult('noop', 2048, 1, [flex(100, 110, 1), peer('ort', 100), peer('tfjs', 400)]),
    // kernel ratio 0.6 <= 0.53 + 0.1: pass; BlockMask 30 > 0.25 x 60: miss.
    caseResult('causal', 2048, 0.53, [flex(60, 70, 30), peer('ort', 100), peer('tfjs', 100)]),
    // kernel ratio 0.3 > 0.05 + 0.1: miss. ORT failed to run.
    caseResult('document', 2048, 0.05, [
      flex(30, 40, 1),
      { engine: 'ort', wallMs: [], error: 'Error: no kernel' },
      peer('tfjs', 1000, 2e-3),
    ]),
  ];
  const lines = evaluateTargets(cases);

  test('density targets compare kernel time over noop with density + 0.10', () => {
    expect(line(lines, 'causal@2048 kernel').status).toBe('PASS');
    expect(line(lines, 'document@2048 kernel').status).toBe('MISS');
    expect(line(lines, 'sliding_window@2048 kernel').status).toBe('N/A');
  });

  test('BlockMask build is judged against a quarter of the kernel time', () => {
    expect(line(lines, 'causal@2048 BlockMask').status).toBe('MISS');
    expect(line(lines, 'document@2048 BlockMask').status).toBe('PASS');
  });

  test('peer ratios use wall medians; a failed or wrong peer is not judged', () => {
    // noop: 110 / 100 = 1.1 > 1.0.
    expect(line(lines, 'noop@2048 flexmask GPU / onnxruntime-web MHA WebGPU').status).toBe('MISS');
    // causal: 70 / 100 = 0.7 > 0.6; vs tfjs 0.7 > 0.25.
    expect(line(lines, 'causal@2048 flexmask GPU / onnxruntime-web MHA WebGPU').status).toBe(
      'MISS',
    );
    // noop vs tfjs: 110 / 400 = 0.275 > 0.15 (the tightened noop target).
    expect(line(lines, 'noop@2048 flexmask GPU / tfjs').status).toBe('MISS');
    const ortDocument = line(lines, 'document@2048 flexmask GPU / onnxruntime-web MHA WebGPU');
    expect(ortDocument.status).toBe('N/A');
    expect(ortDocument.detail).toContain('no kernel');
    // tfjs on document disagrees (2e-3 > 1e-3): its fast-enough ratio is not a PASS.
    expect(line(lines, 'document@2048 flexmask GPU / tfjs').status).toBe('N/A');
  });

  test('agreement: every peer run within 1e-3, else MISS naming the worst case', () => {
    expect(line(lines, 'onnxruntime-web MHA WebGPU output').status).toBe('PASS');
    const tfjs = line(lines, 'tfjs matMul+softmax output');
    expect(tfjs.status).toBe('MISS');
    expect(tfjs.detail).toContain('document@2048');
  });

  test('a run without 2048 is judged at its longest length', () => {
    expect(targetLength(cases.map((c) => ({ ...c, S: 512 })))).toBe(512);
    expect(targetLength(cases)).toBe(2048);
  });
});

describe('resultsTable', () => {
  test('one row per engine and case; an engine that did not run shows its error', () => {
    const table = resultsTable([
      caseResult('causal', 512, 0.625, [
        flex(10, 12, 1),
        { engine: 'ort', wallMs: [], error: 'Error: adapter | lost' },
      ]),
    ]);
    const rows = table.split('\n');
    expect(rows).toHaveLength(4);
    expect(rows[3]).toContain('not run: Error: adapter / lost');
    expect(rows[2]).toContain('12.0');
  });
});

describe('the targets of issue 14 (CPU engine, CPU peer, GPU kernel v6)', () => {
  // noop@2048 computes 2 x 2048 x 2048 elements at 256 FLOPs each: 2.147 GFLOP.
  const noopFlops = 2 * 2048 * 2048 * 256;
  const cases = [
    caseResult('noop', 2048, 1, [
      // GPU kernel 400 ms: 5.4 GFLOP/s. CPU whole call 100 ms: 21.5 GFLOP/s.
      flex(400, 420, 1),
      cpu(100, 90),
      peer('ort-wasm', 120),
    ]),
    caseResult('causal', 2048, 0.53, [
      flex(220, 230, 2),
      // attention 50 / 90 = 0.56 <= 0.63; the whole call 66 / 100 would also pass.
      cpu(66, 50),
      // flexmask CPU / ORT wasm = 66 / 110 = 0.6, at the limit: PASS. (GPU / wasm would be 2.1.)
      peer('ort-wasm', 110),
    ]),
    caseResult('document', 2048, 0.09, [
      flex(40, 50, 3),
      cpu(30, 25, 2e-3),
      // 30 / 100 = 0.3 > 0.2.
      peer('ort-wasm', 100, 5e-7),
    ]),
  ];
  const lines = evaluateTargets(cases);

  test('GPU kernel GFLOP/s on noop is computed FLOPs over the kernel median', () => {
    const gpuRate = line(lines, 'noop@2048 GPU kernel >= 4 GFLOP/s');
    expect(gpuRate.status).toBe('PASS');
    expect(gpuRate.detail).toContain((noopFlops / 400e6).toFixed(2));
    const slow = evaluateTargets([caseResult('noop', 2048, 1, [flex(600, 620, 1)])]);
    // 2.147 GFLOP / 0.6 s = 3.58 GFLOP/s < 4.
    expect(line(slow, 'noop@2048 GPU kernel').status).toBe('MISS');
  });

  test('CPU engine GFLOP/s on noop is judged on the whole call, the attention stage shown', () => {
    const rate = line(lines, 'noop@2048 CPU engine >= 15 GFLOP/s');
    expect(rate.status).toBe('PASS');
    expect(rate.detail).toContain((noopFlops / 100e6).toFixed(2));
    expect(rate.detail).toContain(`attention stage alone ${(noopFlops / 90e6).toFixed(2)}`);
    // 200 ms for the call: 10.7 GFLOP/s, a MISS even though attention alone takes 100 ms.
    const slow = evaluateTargets([caseResult('noop', 2048, 1, [cpu(200, 100)])]);
    expect(line(slow, 'noop@2048 CPU engine').status).toBe('MISS');
  });

  test('CPU density target: attention over noop attention <= density + 0.10', () => {
    const density = line(lines, 'causal@2048 CPU engine attention time');
    expect(density.status).toBe('PASS');
    expect(density.detail).toBe('0.56 vs 0.63 (whole call 0.66)');
    const dense = evaluateTargets([
      caseResult('noop', 2048, 1, [cpu(100, 90)]),
      // 70 / 90 = 0.78 > 0.63.
      caseResult('causal', 2048, 0.53, [cpu(80, 70)]),
    ]);
    expect(line(dense, 'causal@2048 CPU engine attention time').status).toBe('MISS');
  });

  test('the wasm peer is compared with flexmask CPU, not flexmask GPU', () => {
    expect(line(lines, 'noop@2048 flexmask CPU / onnxruntime-web MHA wasm').detail).toBe('0.83');
    expect(line(lines, 'noop@2048 flexmask CPU / onnxruntime-web MHA wasm').status).toBe('PASS');
    expect(line(lines, 'causal@2048 flexmask CPU / onnxruntime-web MHA wasm').status).toBe('PASS');
    const document = line(lines, 'document@2048 flexmask CPU / onnxruntime-web MHA wasm');
    expect(document.status).toBe('MISS');
    expect(document.name).toContain('<= 0.2');
  });

  test('the CPU engine and the wasm peer are checked against flexmask GPU', () => {
    const cpuAgrees = line(lines, 'flexmask CPU output agrees with flexmask');
    expect(cpuAgrees.status).toBe('MISS');
    expect(cpuAgrees.detail).toBe('2/3 cases; worst 2.0e-3 at document@2048; against flexmask GPU');
    expect(line(lines, 'onnxruntime-web MHA wasm output agrees').status).toBe('PASS');
  });

  test('without WebGPU the GPU targets are N/A and the CPU targets are still judged', () => {
    const noGpu = (mask: MaskId, density: number, engines: EngineResult[]) =>
      caseResult(mask, 2048, density, [
        { engine: 'flexmask', wallMs: [], error: 'no WebGPU: navigator.gpu is missing' },
        ...engines,
      ]);
    const cpuOnly = evaluateTargets([
      noGpu('noop', 1, [without(cpu(100, 90)), peer('ort-wasm', 120, 1e-6, 'flexmask-cpu')]),
      noGpu('causal', 0.53, [without(cpu(66, 50)), peer('ort-wasm', 110, 1e-6, 'flexmask-cpu')]),
    ]);
    const gpuRate = line(cpuOnly, 'noop@2048 GPU kernel');
    expect(gpuRate.status).toBe('N/A');
    expect(gpuRate.detail).toContain('no WebGPU');
    expect(line(cpuOnly, 'causal@2048 kernel time').status).toBe('N/A');
    expect(line(cpuOnly, 'noop@2048 CPU engine').status).toBe('PASS');
    expect(line(cpuOnly, 'noop@2048 flexmask CPU / onnxruntime-web MHA wasm').status).toBe('PASS');
    // The reference is then flexmask CPU itself, which has nothing to be checked against.
    const wasmAgrees = line(cpuOnly, 'onnxruntime-web MHA wasm output agrees');
    expect(wasmAgrees.status).toBe('PASS');
    expect(wasmAgrees.detail).toContain('against flexmask CPU');
    expect(line(cpuOnly, 'flexmask CPU output agrees').status).toBe('N/A');
  });

  test('agreement says against whose output, case by case, when the GPU ran only in some', () => {
    const mixed = evaluateTargets([
      caseResult('noop', 512, 1, [flex(10, 11, 1), peer('ort-wasm', 12)]),
      caseResult('causal', 512, 0.6, [flex(6, 7, 1), peer('ort-wasm', 8)]),
      caseResult('document', 512, 0.3, [
        { engine: 'flexmask', wallMs: [], error: 'Error: device lost' },
        without(cpu(5, 4)),
        peer('ort-wasm', 6, 3e-7, 'flexmask-cpu'),
      ]),
    ]);
    expect(line(mixed, 'onnxruntime-web MHA wasm output agrees').detail).toBe(
      '3/3 cases; worst 1.0e-6 at noop@512; against flexmask GPU in 2, flexmask CPU in 1',
    );
  });

  test('the table gives the CPU engine its attention and BlockMask times and rates', () => {
    const rows = resultsTable(cases).split('\n');
    const header = rows[0].split('|').map((c) => c.trim());
    const cpuRow = rows
      .find((r) => r.includes('| noop') && r.includes('flexmask CPU'))!
      .split('|')
      .map((c) => c.trim());
    const at = (name: string) => cpuRow[header.indexOf(name)];
    expect(at('wall ms')).toBe('100');
    expect(at('kernel ms')).toBe('90.0');
    expect(at('BlockMask ms')).toBe('1.00');
    expect(at('GFLOP/s')).toBe((noopFlops / 100e6).toFixed(2));
    expect(at('kernel GFLOP/s')).toBe((noopFlops / 90e6).toFixed(2));
    expect(at('t/t(noop)')).toBe('1.00');
    const wasmRow = rows
      .find((r) => r.includes('| causal') && r.includes('MHA wasm'))!
      .split('|')
      .map((c) => c.trim());
    expect(wasmRow[header.indexOf('flexmask/peer')]).toBe('0.60');
  });
});

describe('cpuSetupText', () => {
  test('says whether ORT ran threads, and how many, and the CPU engine workers', () => {
    const withThreads = cpuSetupText({
      environment: { crossOriginIsolated: true, hardwareConcurrency: 2 },
      cases: [
        caseResult('noop', 512, 1, [
          cpu(10, 9),
          { ...peer('ort-wasm', 12), threads: 2, simd: 'SIMD128' },
        ]),
      ],
    });
    expect(withThreads).toContain('page cross-origin isolated, 2 logical cores');
    expect(withThreads).toContain('onnxruntime-web MHA wasm: threads on, 2 threads, SIMD128');
    expect(withThreads).toContain('flexmask CPU: 2 workers, relaxed SIMD (FMA)');
    const single = cpuSetupText({
      environment: { crossOriginIsolated: false, hardwareConcurrency: 2 },
      cases: [
        caseResult('noop', 512, 1, [{ ...peer('ort-wasm', 12), threads: 1, simd: 'SIMD128' }]),
      ],
    });
    expect(single).toContain('NOT cross-origin isolated');
    expect(single).toContain('threads off, 1 threads');
    expect(single).toContain('flexmask CPU: did not run');
  });
});

describe('the float64 check of flexmask engines on sampled rows', () => {
  test('PASS within 1e-3 in every case, MISS naming the worst case, N/A when none ran', () => {
    const exact = (result: EngineResult, referenceError: number): EngineResult => ({
      ...result,
      referenceError,
    });
    const lines = evaluateTargets([
      caseResult('noop', 512, 1, [exact(flex(10, 11, 1), 2e-7), exact(cpu(5, 4), 3e-7)]),
      caseResult('causal', 512, 0.6, [exact(flex(6, 7, 1), 0.9), exact(cpu(4, 3), 1e-6)]),
    ]);
    const gpu = line(lines, 'flexmask GPU output equals float64');
    expect(gpu.status).toBe('MISS');
    expect(gpu.detail).toBe('1/2 cases; worst 9.0e-1 at causal@512');
    expect(line(lines, 'flexmask CPU output equals float64').status).toBe('PASS');
    const noCpu = evaluateTargets([caseResult('noop', 512, 1, [exact(flex(10, 11, 1), 1e-7)])]);
    expect(line(noCpu, 'flexmask CPU output equals float64').status).toBe('N/A');
  });
});
