import type { CpuRunOutput } from './cpuRun';
import type { AttentionInputs, AttentionShape } from './types';

/** What the page posts to the CPU worker. */
export interface CpuRequest {
  source: string;
  shape: AttentionShape;
  inputs: AttentionInputs;
  b: number;
  h: number;
}

export type CpuResponse = { ok: true; result: CpuRunOutput } | { ok: false; message: string };
