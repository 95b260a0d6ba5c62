/**
 * One work item of the CPU engine, the whole of what a worker does for it: classify the item's
 * BlockMask row (maskRow.ts), then run block-sparse flash attention for every (b, h) that reads
 * that row, visiting blocks in flex attention's order: the partial blocks ascending (score_mod,
 * then mask_mod), then the full blocks ascending (score_mod only), as app/reference/attention.ts
 * does. Pure apart from the kernel it is given, so it runs the same in a worker and in a unit test.
 */
import type { FlashKernel } from '../../../cpu/flashKernel';
import type { AttentionInputs, AttentionShape } from '../../problem';
import type { CompiledProgram } from '../../mask/types';
import { classifyMaskRow, EMPTY, FULL, type RowMaskProgram } from './maskRow';
import { headsOf, type MaskGrid, type WorkItem } from './work';

/** The part of the WebAssembly kernel (cpu/flashKernel.ts) an item drives. */
export type ItemKernel = Pick<
  FlashKernel,
  'setKeys' | 'beginRows' | 'scores' | 'tile' | 'maskTile' | 'accumulate' | 'finishRows'
>;

export type ItemProgram = RowMaskProgram & Pick<CompiledProgram, 'hasScoreMod' | 'scoreTile'>;

/** The picture rows of the (b, h) on screen that fall in this item's query block. */
export interface PictureRows {
  /** [rows, KV]: score after score_mod, -Infinity where masked. */
  scores: Float32Array;
  /** [rows, KV]: exp(score - lse), 0 where masked. */
  probs: Float32Array;
  /** [rows, KV]: 1 where mask_mod allows. */
  mask: Uint8Array;
}

export interface ItemResult {
  item: WorkItem;
  /** Per key block of the mask row: EMPTY, FULL or PARTIAL. */
  kinds: Uint8Array;
  /** [heads, rows, DV] and [heads, rows], heads in headsOf's order. */
  out: Float32Array;
  lse: Float32Array;
  picture: PictureRows | null;
  ms: { blockMask: number; attention: number; picture: number };
}

/**
 * Which kv head's keys the kernel holds, and which of its key blocks: keys are loaded a block at
 * a time as the blocks are visited, so a row that visits few blocks (causal's early rows, a
 * document mask, an empty row) pays for few, and consecutive heads of one GQA group, or the
 * next item on the same head, reuse what is loaded.
 */
export interface KeyCache {
  kvHead: number;
  /** 1 for each key block of `kvHead` the kernel holds. */
  blocks: Uint8Array;
}

/** A cache that holds nothing (new inputs or a new kernel). */
export function emptyKeyCache(shape: Pick<AttentionShape, 'KV' | 'blockKV'>): KeyCache {
  return { kvHead: -1, blocks: new Uint8Array(Math.ceil(shape.KV / shape.blockKV)) };
}

export interface ItemContext {
  program: ItemProgram;
  shape: AttentionShape;
  grid: MaskGrid;
  inputs: AttentionInputs;
  kernel: ItemKernel;
  keys: KeyCache;
  /** The (b, h) whose picture is wanted, or null for none. */
  pictureHead: { b: number; h: number } | null;
  now?: () => number;
}

export function runItem(context: ItemContext, item: WorkItem): ItemResult {
  const { program, shape, grid, inputs, kernel, keys, pictureHead } = context;
  const now = context.now ?? (() => performance.now());
  const { H, HKV, Q, KV, D, DV, blockQ, blockKV } = shape;
  const scale = shape.scale ?? 1 / Math.sqrt(D);
  const group = H / HKV;
  const tileCells = blockQ * blockKV;
  const qLo = item.qb * blockQ;
  const rows = Math.min(Q, qLo + blockQ) - qLo;
  const width = (kb: number) => Math.min(KV, (kb + 1) * blockKV) - kb * blockKV;

  let t = now();
  const row = classifyMaskRow(program, shape, item.maskB, item.maskH, item.qb);
  const blockMaskMs = now() - t;

  t = now();
  const heads = headsOf(item, grid, shape);
  const out = new Float32Array(heads.length * rows * DV);
  const lse = new Float32Array(heads.length * rows);
  let picture: PictureRows | null = null;
  let pictureMs = 0;
  const tile = kernel.tile;

  const kvHeadOf = ({ b, h }: { b: number; h: number }) => b * HKV + Math.floor(h / group);
  // Heads are visited forwards, or backwards when the kernel already holds the last one's keys
  // (the previous item ended there): one kv head load fewer per item.
  const backwards = heads.length > 1 && kvHeadOf(heads[heads.length - 1]) === keys.kvHead;
  for (let step = 0; step < heads.length; step++) {
    const index = backwards ? heads.length - 1 - step : step;
    const { b, h } = heads[index];
    const kvHead = kvHeadOf(heads[index]);
    if (keys.kvHead !== kvHead) {
      keys.kvHead = kvHead;
      keys.blocks.fill(0);
    }
    const onScreen = pictureHead !== null && pictureHead.b === b && pictureHead.h === h;
    const scores = onScreen ? new Float32Array(rows * KV).fill(-Infinity) : null;
    kernel.beginRows(inputs.q, ((b * H + h) * Q + qLo) * D, rows, scale);
    const visit = (kb: number, allowed: Uint8Array | null) => {
      const kvStart = kb * blockKV;
      const cols = width(kb);
      if (!keys.blocks[kb]) {
        kernel.setKeys(inputs.k, kvHead * KV * D, inputs.v, kvHead * KV * DV, kvStart, cols);
        keys.blocks[kb] = 1;
      }
      kernel.scores(kvStart, cols);
      if (program.hasScoreMod) {
        program.scoreTile(tile, 0, blockKV, b, h, qLo, rows, kvStart, cols);
      }
      if (allowed) kernel.maskTile(allowed);
      if (scores) {
        for (let r = 0; r < rows; r++) {
          scores.set(tile.subarray(r * blockKV, r * blockKV + cols), r * KV + kvStart);
        }
      }
      kernel.accumulate(kvStart, cols);
    };
    row.partial.forEach((kb, i) =>
      visit(kb, row.allowed.subarray(i * tileCells, (i + 1) * tileCells)),
    );
    for (const kb of row.full) visit(kb, null);
    kernel.finishRows(out, index * rows * DV, lse, index * rows);
    if (scores) {
      const p = now();
      picture = pictureRows(scores, lse.subarray(index * rows, (index + 1) * rows), row, shape);
      pictureMs = now() - p;
    }
  }
  const attentionMs = now() - t - pictureMs;
  return {
    item,
    kinds: row.kinds,
    out,
    lse,
    picture,
    ms: { blockMask: blockMaskMs, attention: attentionMs, picture: pictureMs },
  };
}

/**
 * Probabilities and the mask for the picture rows, from the scores the kernel computed. The mask
 * is what mask_mod answers, read from the row's classification (empty, full, or the partial
 * block's allowed cells) rather than from -inf in the scores, so a score_mod returning -inf on
 * an allowed cell cannot be drawn as masked, and no mask_mod call is needed.
 */
function pictureRows(
  scores: Float32Array,
  rowLse: Float32Array,
  row: ReturnType<typeof classifyMaskRow>,
  shape: AttentionShape,
): PictureRows {
  const { KV, blockKV, blockQ } = shape;
  const rows = rowLse.length;
  const probs = new Float32Array(scores.length);
  const mask = new Uint8Array(scores.length);
  const partialIndex = new Map(row.partial.map((kb, i) => [kb, i]));
  // Empty blocks are all masked: probability 0 and mask 0, as the arrays start.
  for (let kb = 0; kb < row.kinds.length; kb++) {
    const kind = row.kinds[kb];
    if (kind === EMPTY) continue;
    const kvStart = kb * blockKV;
    const cols = Math.min(KV, kvStart + blockKV) - kvStart;
    const at = (partialIndex.get(kb) ?? 0) * blockQ * blockKV;
    for (let r = 0; r < rows; r++) {
      const l = rowLse[r];
      const cell = r * KV + kvStart;
      for (let c = 0; c < cols; c++) {
        mask[cell + c] = kind === FULL ? 1 : row.allowed[at + r * blockKV + c];
        if (l !== -Infinity) probs[cell + c] = Math.exp(scores[cell + c] - l);
      }
    }
  }
  return { scores, probs, mask };
}
