import type { CpuRunOutput } from './cpuRun';
import type { AttentionInputs, AttentionShape } from '../problem';

/**
 * What the page posts to the CPU worker: the uploaded inputs (if any) and the seed of the others,
 * which the worker draws itself, so that no large input is drawn on, or copied from, the page.
 */
export interface CpuRequest {
  source: string;
  shape: AttentionShape;
  uploaded: Partial<AttentionInputs>;
  seed: number;
  b: number;
  h: number;
}

/** The result and the inputs it was computed from, their buffers transferred to the page. */
export type CpuResponse =
  { ok: true; result: CpuRunOutput; inputs: AttentionInputs } | { ok: false; message: string };
