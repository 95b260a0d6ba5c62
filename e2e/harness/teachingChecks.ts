/**
 * Teaching checks for the browser tests: the explain panel's model (asked of the teaching worker,
 * as the panel asks it) and the kernel walkthrough (app/teaching's functions, which that worker
 * runs), computed from a real engine run (GPU in the test browser), against that run's own
 * numbers: the picture's scores, probabilities and mask, the BlockMask, the out and lse the kernel
 * wrote, and the counting kernel's tallies of the blocks it visited.
 */
import { runScenario } from '../../app/engine/run';
import type { RunResult } from '../../app/engine/types';
import { type AttentionShape, DEFAULT_SCENARIO, type Scenario } from '../../app/problem';
import { compile } from '../../app/mask/compile';
import { PRESETS } from '../../app/mask/presets';
import type { CompiledProgram } from '../../app/mask/types';
import { listedState, type BlockKind } from '../../app/reference/explainCell';
import { teachingHead } from '../../app/teaching/head';
import { teachingClient } from '../../app/teaching/teachingClient';
import { walkHeadRow } from '../../app/teaching/walk';
import { createRandom, type Random } from '../../app/tensors/random';
import { compareProgramWithReference } from './engineChecks';

const BLOCK_SIZES = [1, 2, 3, 4, 5, 8, 16];
/** GPU f32 against float64: the engine suite's tolerance. */
const TOLERANCE = 1e-4;

export interface TeachingCase {
  seed: number;
  preset: string;
  shape: AttentionShape;
  b: number;
  h: number;
}

/** A random preset at its example size with random small block sizes, run through the engine. */
async function runRandomPreset(
  seed: number,
): Promise<{ c: TeachingCase; program: CompiledProgram; result: RunResult; random: Random }> {
  const random = createRandom(seed);
  const preset = PRESETS[random.nextInt(0, PRESETS.length - 1)];
  const { Q, KV, B, H } = preset.example;
  const pick = (xs: number[]) => xs[random.nextInt(0, xs.length - 1)];
  const scenario: Scenario = {
    ...DEFAULT_SCENARIO,
    code: preset.source,
    B,
    H,
    HKV: random.nextFloat() < 0.5 ? H : 1,
    Q,
    KV,
    D: pick([1, 2, 4, 8]),
    DV: pick([1, 3, 4, 8]),
    blockQ: pick(BLOCK_SIZES),
    blockKV: pick(BLOCK_SIZES),
    seed,
    b: random.nextInt(0, B - 1),
    h: random.nextInt(0, H - 1),
  };
  const program = compile(scenario.code);
  // Against the GPU engine, whichever engine this adapter would choose.
  const result = await runScenario(scenario, program, null, { engine: 'gpu' });
  return {
    c: { seed, preset: preset.id, shape: result.shape, b: result.picture.b, h: result.picture.h },
    program,
    result,
    random,
  };
}

function close(a: number, b: number, tolerance: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
}

export interface ExplainReport {
  case: TeachingCase;
  backend: string;
  checked: number;
  mismatches: string[];
}

/**
 * What the explain panel shows for `cells` random cells of the (b, h) on screen, asked of the
 * teaching worker as the panel asks it, against the engine's picture of that (b, h) and its
 * BlockMask.
 */
export async function explainEngineCells(seed: number, cells: number): Promise<ExplainReport> {
  const { c, program, result, random } = await runRandomPreset(seed);
  const { picture, shape } = result;
  const mismatches: string[] = [];
  for (let k = 0; k < cells; k++) {
    const q = random.nextInt(0, shape.Q - 1);
    const kv = random.nextInt(0, shape.KV - 1);
    const where = `cell (${c.b}, ${c.h}, ${q}, ${kv})`;
    const answer = await teachingClient().explain({ result, program }, { q, kv });
    const { cell, mask: traced, score: scored } = answer;
    if (cell.b !== c.b || cell.h !== c.h || cell.q !== q || cell.kv !== kv) {
      mismatches.push(
        `${where}: the worker explained (${cell.b}, ${cell.h}, ${cell.q}, ${cell.kv})`,
      );
    }
    const i = (q / picture.rowStride) * picture.cols + kv / picture.colStride;
    const engineAllowed = picture.mask[i] === 1;
    if (traced.allowed !== engineAllowed || cell.allowed !== engineAllowed) {
      mismatches.push(`${where}: mask trace ${traced.allowed}, engine ${engineAllowed}`);
    }
    if (!close(scored.score, cell.modifiedScore, 0)) {
      mismatches.push(`${where}: score trace ${scored.score}, explain ${cell.modifiedScore}`);
    }
    if (!close(cell.finalScore, picture.scores[i], TOLERANCE)) {
      mismatches.push(`${where}: score ${cell.finalScore}, engine ${picture.scores[i]}`);
    }
    if (Math.abs(cell.probability - picture.probs[i]) > TOLERANCE) {
      mismatches.push(`${where}: probability ${cell.probability}, engine ${picture.probs[i]}`);
    }
    const engineState = listedState(
      result.blockMask,
      c.b,
      c.h,
      cell.block.qBlock,
      cell.block.kvBlock,
    );
    if (cell.block.state !== engineState || cell.block.countedState !== engineState) {
      mismatches.push(
        `${where}: block ${cell.block.state} (counted ${cell.block.countedState}), engine ${engineState}`,
      );
    }
  }
  return { case: c, backend: result.backend, checked: cells, mismatches };
}

export interface WalkReport {
  case: TeachingCase;
  backend: string;
  row: number;
  queryBlock: number;
  steps: number;
  skipped: number;
  mismatches: string[];
}

/**
 * The walkthrough of a random row against the engine: its final out and lse equal the kernel's;
 * it visits the BlockMask's partial list then its full list, which are exactly the blocks where
 * mask_mod (counted here) allows some / all elements; and the counting kernel visited as many
 * blocks as the walkthrough has steps.
 */
export async function walkthroughEngineRow(seed: number): Promise<WalkReport> {
  const { c, program, result, random } = await runRandomPreset(seed);
  const { shape, blockMask: bm } = result;
  const b = random.nextInt(0, shape.B - 1);
  const h = random.nextInt(0, shape.H - 1);
  const row = random.nextInt(0, shape.Q - 1);
  const queryBlock = Math.floor(row / bm.blockQ);
  const { walk } = walkHeadRow(teachingHead(result, b, h), program, { queryBlock, row });
  const mismatches: string[] = [];
  const where = `b ${b}, h ${h}, row ${row}, query block ${queryBlock}`;

  // Final values against the kernel's.
  const at = (b * shape.H + h) * shape.Q + row;
  const engineLse = result.outputs.lse[at];
  if (!close(walk.lse, engineLse, TOLERANCE)) {
    mismatches.push(`${where}: lse ${walk.lse}, engine ${engineLse}`);
  }
  for (let d = 0; d < shape.DV; d++) {
    const engine = result.outputs.out[at * shape.DV + d];
    if (Math.abs(walk.out[d] - engine) > TOLERANCE * Math.max(1, Math.abs(engine))) {
      mismatches.push(`${where}: out[${d}] ${walk.out[d]}, engine ${engine}`);
    }
  }

  // The order: the engine BlockMask's lists, which must be the counted states, ascending.
  const listRow = ((b % bm.B) * bm.H + (h % bm.H)) * bm.nQ + queryBlock;
  const listed = [
    ...Array.from({ length: bm.kvNumBlocks[listRow] }, (_, i) => ({
      kind: 'partial',
      kvBlock: bm.kvIndices[listRow * bm.nKV + i],
    })),
    ...Array.from({ length: bm.fullKvNumBlocks[listRow] }, (_, i) => ({
      kind: 'full',
      kvBlock: bm.fullKvIndices[listRow * bm.nKV + i],
    })),
  ];
  const visited = walk.steps.map((s) => `${s.kind} ${s.kvBlock}`).join(', ');
  if (visited !== listed.map((s) => `${s.kind} ${s.kvBlock}`).join(', ')) {
    mismatches.push(`${where}: walkthrough visits [${visited}], BlockMask lists differ`);
  }
  const counted: BlockKind[] = [];
  const qEnd = Math.min(shape.Q, (queryBlock + 1) * bm.blockQ);
  for (let kb = 0; kb < bm.nKV; kb++) {
    let allowed = 0;
    for (let q = queryBlock * bm.blockQ; q < qEnd; q++) {
      for (let kv = kb * bm.blockKV; kv < Math.min(shape.KV, (kb + 1) * bm.blockKV); kv++) {
        if (program.mask(b, h, q, kv)) allowed++;
      }
    }
    counted.push(allowed === 0 ? 'empty' : allowed === bm.blockQ * bm.blockKV ? 'full' : 'partial');
  }
  const expected = [
    ...counted.flatMap((s, kb) => (s === 'partial' ? [`partial ${kb}`] : [])),
    ...counted.flatMap((s, kb) => (s === 'full' ? [`full ${kb}`] : [])),
  ].join(', ');
  if (visited !== expected) {
    mismatches.push(
      `${where}: walkthrough visits [${visited}], counting mask_mod gives [${expected}]`,
    );
  }
  const skipped = counted.flatMap((s, kb) => (s === 'empty' ? [kb] : []));
  if (walk.skipped.join(',') !== skipped.join(',')) {
    mismatches.push(`${where}: skipped [${walk.skipped}], counted empty [${skipped}]`);
  }

  // The counting kernel: how many blocks the GPU really visited for each query block.
  if (result.backend === 'gpu') {
    const counts = await compareProgramWithReference(program, {
      shape,
      seed,
      b,
      h,
      debugCounts: true,
    });
    if (counts.counts !== null) mismatches.push(`counting kernel: ${counts.counts}`);
    if (counts.blockMask !== null) mismatches.push(`BlockMask: ${counts.blockMask}`);
  }
  return {
    case: c,
    backend: result.backend,
    row,
    queryBlock,
    steps: walk.steps.length,
    skipped: walk.skipped.length,
    mismatches,
  };
}
