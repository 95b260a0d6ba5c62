export { compile, compileWithLimits, checkSource } from './compile';
export { MaskCompileError, type MaskErrorKind } from './errors';
export { DEFAULT_LIMITS, type CompileLimits } from './limits';
export * from './types';
