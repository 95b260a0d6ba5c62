import type { BlockMaskData } from '../problem';
import type { MaskFn } from './types';

/**
 * PyTorch's create_block_mask (docs/blockmask.md), computed on the CPU.
 *
 * The mask is evaluated at every (b, h, q, kv) inside the lengths, but the dense [B, H, Q, KV]
 * tensor is never held: each element only bumps its block's count of True. Padding past Q / KV is
 * False by construction (it is never counted), so an edge block can never reach the full count.
 */
export function createBlockMask(
  mask: MaskFn,
  B: number,
  H: number,
  Q: number,
  KV: number,
  blockQ: number,
  blockKV: number,
): BlockMaskData {
  checkSizes({ B, H, Q, KV, blockQ, blockKV });
  const nQ = Math.ceil(Q / blockQ);
  const nKV = Math.ceil(KV / blockKV);
  const rows = B * H * nQ;
  const cols = B * H * nKV;
  const kvNumBlocks = new Int32Array(rows);
  const kvIndices = new Int32Array(rows * nKV);
  const fullKvNumBlocks = new Int32Array(rows);
  const fullKvIndices = new Int32Array(rows * nKV);
  const qNumBlocks = new Int32Array(cols);
  const qIndices = new Int32Array(cols * nQ);
  const fullQNumBlocks = new Int32Array(cols);
  const fullQIndices = new Int32Array(cols * nQ);

  const fullCount = blockQ * blockKV;
  const counts = new Int32Array(nQ * nKV);
  const partial = new Uint8Array(nQ * nKV);
  const full = new Uint8Array(nQ * nKV);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      counts.fill(0);
      for (let q = 0; q < Q; q++) {
        const rowBase = Math.floor(q / blockQ) * nKV;
        for (let kb = 0; kb < nKV; kb++) {
          const end = Math.min(KV, (kb + 1) * blockKV);
          let allowed = 0;
          for (let kv = kb * blockKV; kv < end; kv++) if (mask(b, h, q, kv)) allowed++;
          counts[rowBase + kb] += allowed;
        }
      }
      for (let i = 0; i < counts.length; i++) {
        full[i] = counts[i] === fullCount ? 1 : 0;
        partial[i] = counts[i] > 0 && counts[i] < fullCount ? 1 : 0;
      }
      const bh = b * H + h;
      for (let qb = 0; qb < nQ; qb++) {
        const row = bh * nQ + qb;
        kvNumBlocks[row] = orderRow(partial, qb * nKV, 1, nKV, kvIndices, row * nKV);
        fullKvNumBlocks[row] = orderRow(full, qb * nKV, 1, nKV, fullKvIndices, row * nKV);
      }
      for (let kb = 0; kb < nKV; kb++) {
        const col = bh * nKV + kb;
        qNumBlocks[col] = orderRow(partial, kb, nKV, nQ, qIndices, col * nQ);
        fullQNumBlocks[col] = orderRow(full, kb, nKV, nQ, fullQIndices, col * nQ);
      }
    }
  }
  return {
    B,
    H,
    Q,
    KV,
    blockQ,
    blockKV,
    nQ,
    nKV,
    kvNumBlocks,
    kvIndices,
    fullKvNumBlocks,
    fullKvIndices,
    qNumBlocks,
    qIndices,
    fullQNumBlocks,
    fullQIndices,
  };
}

/**
 * Writes the stable descending argsort of `length` 0/1 flags (read from `flags` at `start`,
 * `start + step`, ...) into `out` at `outStart`: present positions ascending, then absent ones
 * ascending. Returns how many were present.
 */
function orderRow(
  flags: Uint8Array,
  start: number,
  step: number,
  length: number,
  out: Int32Array,
  outStart: number,
): number {
  let present = 0;
  for (let i = 0; i < length; i++) if (flags[start + i * step]) out[outStart + present++] = i;
  let next = outStart + present;
  for (let i = 0; i < length; i++) if (!flags[start + i * step]) out[next++] = i;
  return present;
}

function checkSizes(sizes: Record<string, number>): void {
  for (const [name, value] of Object.entries(sizes)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`createBlockMask: ${name} must be a positive integer, got ${value}`);
    }
  }
}

/** Counts of each kind of block over the whole mask (its own B, H; no broadcast). */
export interface BlockStats {
  partialBlocks: number;
  fullBlocks: number;
  computedBlocks: number;
  totalBlocks: number;
}

export function blockStats(bm: BlockMaskData): BlockStats {
  const partialBlocks = sum(bm.kvNumBlocks);
  const fullBlocks = sum(bm.fullKvNumBlocks);
  return {
    partialBlocks,
    fullBlocks,
    computedBlocks: partialBlocks + fullBlocks,
    totalBlocks: bm.B * bm.H * bm.nQ * bm.nKV,
  };
}

/**
 * Current PyTorch's BlockMask.sparsity(): the percentage of blocks not computed,
 * `100 * (1 - computed / (B*H*nQ*nKV))`. Broadcasting over B or H repeats the same ratio, so the
 * mask's own sizes give the broadcast answer too.
 */
export function sparsity(bm: BlockMaskData): number {
  const { computedBlocks, totalBlocks } = blockStats(bm);
  return 100 * (1 - computedBlocks / totalBlocks);
}

/** BlockMask.to_dense(): [B, H, nQ, nKV], 1 where the block is computed (partial or full). */
export function toDense(bm: BlockMaskData): Uint8Array {
  const dense = new Uint8Array(bm.B * bm.H * bm.nQ * bm.nKV);
  for (let row = 0; row < bm.B * bm.H * bm.nQ; row++) {
    const base = row * bm.nKV;
    for (let i = 0; i < bm.kvNumBlocks[row]; i++) dense[base + bm.kvIndices[base + i]] = 1;
    for (let i = 0; i < bm.fullKvNumBlocks[row]; i++) dense[base + bm.fullKvIndices[base + i]] = 1;
  }
  return dense;
}

export interface ToStringOptions {
  /** Most cells per side; PyTorch's default grid_size is (20, 20). */
  maxRows?: number;
  maxCols?: number;
  /** How many (b, h) grids to print before "..."; PyTorch's default limit is 4. */
  limit?: number;
}

const ALL = '██';
const NONE = '  ';
const SOME = '░░';

/**
 * BlockMask.to_string(): for each (b, h) in row-major order, a header line `(b, h)` and the
 * computed-block grid. When a side has more than `max` blocks, a cell covers `ceil(n / max)`
 * consecutive blocks (the last cell of a side may cover fewer). Each row of cells ends in a
 * newline; grids are joined by a newline, so a blank line separates them.
 */
export function toString(bm: BlockMaskData, options: ToStringOptions = {}): string {
  const { maxRows = 20, maxCols = 20, limit = 4 } = options;
  const dense = toDense(bm);
  const rowStep = Math.max(1, Math.ceil(bm.nQ / maxRows));
  const colStep = Math.max(1, Math.ceil(bm.nKV / maxCols));
  const grids: string[] = [];
  for (let bh = 0; bh < bm.B * bm.H; bh++) {
    if (bh === limit) {
      grids.push('...');
      grids.push('To print out more, set BlockMask.to_string(limit=N)');
      grids.push('You can also index (BlockMask[batch, head]) to choose a specific batch or head');
      break;
    }
    const b = Math.floor(bh / bm.H);
    const h = bh % bm.H;
    let text = `(${b}, ${h})\n`;
    const base = bh * bm.nQ * bm.nKV;
    for (let r = 0; r < bm.nQ; r += rowStep) {
      for (let c = 0; c < bm.nKV; c += colStep) {
        let computed = 0;
        let cells = 0;
        for (let i = r; i < Math.min(r + rowStep, bm.nQ); i++) {
          for (let j = c; j < Math.min(c + colStep, bm.nKV); j++) {
            computed += dense[base + i * bm.nKV + j];
            cells++;
          }
        }
        text += computed === cells ? ALL : computed === 0 ? NONE : SOME;
      }
      text += '\n';
    }
    grids.push(text);
  }
  return grids.join('\n');
}

function sum(values: Int32Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
