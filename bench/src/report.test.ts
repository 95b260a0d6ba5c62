import { describe, expect, test } from 'vitest';
import type { MaskId } from './cases';
import { evaluateTargets, resultsTable, targetLength, type TargetLine } from './report';
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
const peer = (engine: 'ort' | 'tfjs', wall: number, maxRelError = 1e-6): EngineResult => ({
  engine,
  wallMs: [wall, wall, wall],
  maxRelError,
});

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
    expect(line(lines, 'noop@2048 flexmask / onnxruntime').status).toBe('MISS');
    // causal: 70 / 100 = 0.7 > 0.6; vs tfjs 0.7 > 0.25.
    expect(line(lines, 'causal@2048 flexmask / onnxruntime').status).toBe('MISS');
    // noop vs tfjs: 110 / 400 = 0.275 <= 0.4.
    expect(line(lines, 'noop@2048 flexmask / tfjs').status).toBe('PASS');
    const ortDocument = line(lines, 'document@2048 flexmask / onnxruntime');
    expect(ortDocument.status).toBe('N/A');
    expect(ortDocument.detail).toContain('no kernel');
    // tfjs on document disagrees (2e-3 > 1e-3): its fast-enough ratio is not a PASS.
    expect(line(lines, 'document@2048 flexmask / tfjs').status).toBe('N/A');
  });

  test('agreement: every peer run within 1e-3, else MISS naming the worst case', () => {
    expect(line(lines, 'onnxruntime-web MHA output').status).toBe('PASS');
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
