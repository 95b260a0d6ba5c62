import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from './compile';
import { PRESETS, presetById, type Preset } from './presets';
import type { CompiledProgram, PytorchExportShape } from './types';
import { pythonWithNumpy } from '../../testing/cpython';
import { seededRandom } from '../../testing/randomProgram';

/**
 * The PyTorch export must mean what the program means. Each preset's `python(shape)` text is run
 * by python3 against scripts/torch_shim.py, a NumPy stand-in for torch that evaluates mask_mod on
 * broadcast index grids (as create_block_mask's vmap feeds it) and records create_block_mask's
 * arguments. Its dense mask must equal the CPU back end's. The preset sources themselves, being
 * PyTorch code, are run the same way. One python3 process serves the whole file.
 */

const SHIM = fileURLToPath(new URL('../../scripts/torch_shim.py', import.meta.url));
const SEED = Date.now() % 2 ** 31;
/** Unequal block sizes, so an export that drops or swaps BLOCK_SIZE is caught. */
const BLOCK_Q = 64;
const BLOCK_KV = 32;

/** attention-gym style programs (factories, closures): their exports are checked too. */
const ATTN_GYM_STYLE = import.meta.glob<string>('./attn-gym-style/*.py', {
  query: '?raw',
  import: 'default',
  eager: true,
});
/** Each attn-gym-style file is drawn at the example settings of the preset it mirrors. */
const ATTN_GYM_SHAPE_FROM: Record<string, string> = {
  'batchify.py': 'batchify',
  'causal.py': 'causal',
  'dilated_sliding_window.py': 'dilated_sliding_window',
  'document_mask.py': 'document',
  'global_sliding_window.py': 'global_sliding',
  'morton_natten.py': 'morton_natten',
  'natten.py': 'natten_2d',
  'prefix_lm.py': 'prefix_lm',
  'sliding_window.py': 'sliding_window',
  'tiled_natten.py': 'tiled_natten',
};
const ATTN_GYM_CASES = Object.entries(ATTN_GYM_STYLE).map(([path, source]) => {
  const file = path.slice(path.lastIndexOf('/') + 1);
  const shapeFrom = presetById(ATTN_GYM_SHAPE_FROM[file] ?? '');
  if (shapeFrom === undefined) throw new Error(`attn-gym-style/${file}: no preset gives its shape`);
  // the same example, a different program
  return [file, { ...shapeFrom, id: `attn-gym-style/${file}`, source }] as const;
});

interface ShimCase {
  id: string;
  code: string;
  B: number;
  H: number;
  Q: number;
  KV: number;
  scores: number[] | null;
  listsAsTensors: boolean;
  /** Evaluate mask_mod / score_mod one element at a time (vmap's meaning). */
  perElement?: boolean;
}

interface BlockMaskCall {
  B: number | null;
  H: number | null;
  Q_LEN: number;
  KV_LEN: number;
  BLOCK_SIZE: number | number[];
}

interface ShimResult {
  id: string;
  error: string | null;
  mask?: string;
  scores?: (number | null)[] | null;
  blockMaskCalls?: BlockMaskCall[];
}

function python(args: string[], input?: string) {
  return spawnSync(pythonWithNumpy(), args, {
    input,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

function exportShape(preset: Preset): PytorchExportShape {
  const { B, H, Q, KV } = preset.example;
  return { B, H, HKV: H, Q, KV, D: 8, DV: 8, blockQ: BLOCK_Q, blockKV: BLOCK_KV };
}

/** The CPU back end's dense mask, one string of 0/1 per (b, h, q) row. */
function cpuRows(program: CompiledProgram, preset: Preset): string[] {
  const { B, H, Q, KV } = preset.example;
  const rows: string[] = [];
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let q = 0; q < Q; q++) {
        let row = '';
        for (let kv = 0; kv < KV; kv++) row += program.mask(b, h, q, kv) ? '1' : '0';
        rows.push(row);
      }
    }
  }
  return rows;
}

function shimRows(mask: string, KV: number): string[] {
  const rows: string[] = [];
  for (let i = 0; i < mask.length; i += KV) rows.push(mask.slice(i, i + KV));
  return rows;
}

interface Prepared {
  program: CompiledProgram | null;
  compileError: string | null;
  scores: number[] | null;
}

const prepared = new Map<string, Prepared>();
const results = new Map<string, ShimResult>();

beforeAll(() => {
  pythonWithNumpy();
  const random = seededRandom(SEED);
  const cases: ShimCase[] = [];
  for (const preset of [...PRESETS, ...ATTN_GYM_CASES.map(([, p]) => p)]) {
    const { B, H, Q, KV } = preset.example;
    const scores =
      preset.kind === 'score'
        ? Array.from({ length: B * H * Q * KV }, () => (random() - 0.5) * 200)
        : null;
    const base = { B, H, Q, KV, scores };
    if (presetById(preset.id) !== undefined) {
      // The source runs element by element (as vmap calls it), so row reads like
      // `interval = intervals[i]; interval[0]` mean what they mean in PyTorch.
      cases.push({
        ...base,
        id: `source:${preset.id}`,
        code: preset.source,
        listsAsTensors: true,
        perElement: true,
      });
    }
    try {
      const program = compile(preset.source);
      prepared.set(preset.id, { program, compileError: null, scores });
      const exported = program.pytorchExport(exportShape(preset));
      if ('refused' in exported) throw new Error(exported.refused);
      cases.push({
        ...base,
        id: `export:${preset.id}`,
        code: exported.code,
        listsAsTensors: false,
        perElement: true,
      });
    } catch (error) {
      prepared.set(preset.id, { program: null, compileError: String(error), scores });
    }
  }
  const run = python([SHIM], JSON.stringify({ cases }));
  if (run.status !== 0) {
    throw new Error(`python3 ${SHIM} failed (${run.status}):\n${run.stderr}`);
  }
  for (const result of (JSON.parse(run.stdout) as { results: ShimResult[] }).results) {
    results.set(result.id, result);
  }
}, 300_000);

function shimResult(id: string): ShimResult {
  const result = results.get(id);
  expect(result, `no result for ${id}`).toBeDefined();
  expect(result?.error ?? null, `${id} raised in python3`).toBeNull();
  return result as ShimResult;
}

function compiled(id: string): { program: CompiledProgram; scores: number[] | null } {
  const entry = prepared.get(id);
  expect(entry?.compileError ?? null, `${id} does not compile`).toBeNull();
  if (!entry?.program) throw new Error(`${id} has no program`);
  return { program: entry.program, scores: entry.scores };
}

describe.each(PRESETS.map((p) => [p.id, p] as const))(
  'preset %s under torch_shim',
  (id, preset) => {
    it('its PyTorch export gives the CPU back end’s dense mask', () => {
      const { program } = compiled(id);
      const result = shimResult(`export:${id}`);
      expect(shimRows(result.mask ?? '', preset.example.KV)).toEqual(cpuRows(program, preset));
    });

    it('its PyTorch export builds the BlockMask for the shape it was asked for', () => {
      const { program } = compiled(id);
      const calls = shimResult(`export:${id}`).blockMaskCalls ?? [];
      expect(calls.length).toBeGreaterThan(0);
      for (const call of calls) {
        expect([call.Q_LEN, call.KV_LEN]).toEqual([preset.example.Q, preset.example.KV]);
        expect(call.BLOCK_SIZE).toEqual([BLOCK_Q, BLOCK_KV]);
        // a mask that reads b (or h) needs the real size; one that does not may broadcast
        if (program.maskDeps.b) expect(call.B).toBe(preset.example.B);
        if (program.maskDeps.h) expect(call.H).toBe(preset.example.H);
      }
    });

    it('its source, run as PyTorch code, gives the same dense mask', () => {
      const { program } = compiled(id);
      const result = shimResult(`source:${id}`);
      expect(shimRows(result.mask ?? '', preset.example.KV)).toEqual(cpuRows(program, preset));
    });
  },
);

describe.each(PRESETS.filter((p) => p.kind === 'score').map((p) => [p.id, p] as const))(
  'score preset %s under torch_shim',
  (id, preset) => {
    it('its exported score_mod gives the CPU scores', () => {
      const { program, scores } = compiled(id);
      const got = shimResult(`export:${id}`).scores ?? [];
      const { B, H, Q, KV } = preset.example;
      let i = 0;
      for (let b = 0; b < B; b++) {
        for (let h = 0; h < H; h++) {
          for (let q = 0; q < Q; q++) {
            for (let kv = 0; kv < KV; kv++, i++) {
              const raw = scores?.[i] ?? NaN;
              const where = `seed ${SEED}, score ${raw}, b ${b} h ${h} q ${q} kv ${kv}`;
              expect(got[i], where).toBeCloseTo(program.score(raw, b, h, q, kv), 9);
            }
          }
        }
      }
    });
  },
);

describe.each(ATTN_GYM_CASES)('attn-gym-style/%s under torch_shim', (_file, entry) => {
  it('its PyTorch export gives the CPU back end’s dense mask', () => {
    const { program } = compiled(entry.id);
    const result = shimResult(`export:${entry.id}`);
    expect(shimRows(result.mask ?? '', entry.example.KV)).toEqual(cpuRows(program, entry));
  });
});
