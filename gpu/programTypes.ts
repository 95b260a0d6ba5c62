import type { CompiledProgram } from '../app/mask/types';

/** What a kernel needs of a compiled program: its WGSL and the contents of its two buffers. */
export type KernelProgram = Pick<CompiledProgram, 'wgsl' | 'paramWords' | 'tensorWords'>;

/** The BlockMask kernel also needs the program's interval analysis. */
export type BlockMaskProgram = KernelProgram & Pick<CompiledProgram, 'wgslBounds'>;

/** Which cells of one (b, h) the picture shows: every `stride`-th token, at most a cap a side. */
export interface ViewWindow {
  b: number;
  h: number;
  rows: number;
  cols: number;
  rowStride: number;
  colStride: number;
}
