/**
 * Comparisons the browser tests run inside the page, so that large arrays need not cross into
 * the test process: each returns a small report a test can assert on and print.
 */
import type { BlockMaskData } from '../../app/problem';

const INT_FIELDS = [
  'kvNumBlocks',
  'kvIndices',
  'fullKvNumBlocks',
  'fullKvIndices',
  'qNumBlocks',
  'qIndices',
  'fullQNumBlocks',
  'fullQIndices',
] as const;

/** The first difference between two BlockMasks, field by field, or null when equal. */
export function blockMaskDifference(gpu: BlockMaskData, ref: BlockMaskData): string | null {
  for (const key of ['B', 'H', 'Q', 'KV', 'blockQ', 'blockKV', 'nQ', 'nKV'] as const) {
    if (gpu[key] !== ref[key]) return `${key}: gpu ${gpu[key]}, reference ${ref[key]}`;
  }
  for (const field of INT_FIELDS) {
    const a = gpu[field];
    const b = ref[field];
    if (a.length !== b.length) return `${field}: length ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) return `${field}[${i}]: gpu ${a[i]}, reference ${b[i]}`;
    }
  }
  return null;
}

export interface ErrorReport {
  /** max |gpu - ref| / max(max |ref|, 1e-6), over finite reference values. */
  relative: number;
  /** Where the reference is ±Infinity the GPU must be the same infinity. */
  infinityMismatches: number;
  nan: number;
  worstIndex: number;
}

export function relativeError(gpu: ArrayLike<number>, ref: ArrayLike<number>): ErrorReport {
  let maxRef = 0;
  for (let i = 0; i < ref.length; i++) {
    if (Number.isFinite(ref[i])) maxRef = Math.max(maxRef, Math.abs(ref[i]));
  }
  const denominator = Math.max(maxRef, 1e-6);
  let relative = gpu.length === ref.length ? 0 : Infinity;
  let infinityMismatches = 0;
  let nan = 0;
  let worstIndex = -1;
  for (let i = 0; i < Math.min(gpu.length, ref.length); i++) {
    if (Number.isNaN(gpu[i])) {
      nan++;
      continue;
    }
    if (!Number.isFinite(ref[i])) {
      if (gpu[i] !== ref[i]) infinityMismatches++;
      continue;
    }
    const e = Math.abs(gpu[i] - ref[i]) / denominator;
    if (e > relative || Number.isNaN(e)) {
      relative = Number.isNaN(e) ? Infinity : e;
      worstIndex = i;
    }
  }
  return { relative, infinityMismatches, nan, worstIndex };
}
