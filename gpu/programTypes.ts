import type { CompiledProgram } from '../app/mask/types';

/** What a kernel needs of a compiled program: its WGSL and the contents of its two buffers. */
export type KernelProgram = Pick<CompiledProgram, 'wgsl' | 'paramWords' | 'tensorWords'>;

/** The BlockMask kernel also needs the program's interval analysis. */
export type BlockMaskProgram = KernelProgram & Pick<CompiledProgram, 'wgslBounds'>;
