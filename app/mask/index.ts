export { compile, compileWithLimits, checkSource } from './compile';
export { MaskCompileError } from './errors';
export { DEFAULT_LIMITS } from './limits';
export * from './types';
