/**
 * `compile(source)`: text in, CompiledProgram out, or a MaskCompileError, and nothing else, for any
 * string. Lexer, parser and checker run in order; the WGSL, CPU, PyTorch and bounds back ends all
 * read the one checked, inlined program.
 */
import { check, type CheckedProgram } from './check';
import { buildCpuFunction } from './cpu';
import { MaskCompileError, ProgramError } from './errors';
import { tokenize } from './lexer';
import { DEFAULT_LIMITS, type CompileLimits } from './limits';
import { parse } from './parser';
import { exportPython } from './python';
import type { CompiledProgram, PythonExportShape } from './types';
import { emitWgsl, paramVec4Count } from './wgsl';
import { emitWgslBounds } from './wgslBounds';

export function compile(source: string): CompiledProgram {
  return compileWithLimits(source, DEFAULT_LIMITS);
}

/** Like `compile`, with other limits (tests use small ones to reach each limit quickly). */
export function compileWithLimits(source: string, limits: CompileLimits): CompiledProgram {
  const text = typeof source === 'string' ? source : String(source);
  try {
    return build(text, checkSource(text, limits));
  } catch (error) {
    throw asMaskError(text, error);
  }
}

/** Parses and checks only: the inlined program the back ends read (for tests and tools). */
export function checkSource(
  source: string,
  limits: CompileLimits = DEFAULT_LIMITS,
): CheckedProgram {
  if (source.length > limits.maxSourceLength) {
    throw new ProgramError(
      { start: limits.maxSourceLength, end: limits.maxSourceLength + 1 },
      'LimitError',
      `the program is ${source.length} characters long (the limit is ${limits.maxSourceLength})`,
    );
  }
  const tokens = tokenize(source, limits);
  const module = parse(tokens, source, limits);
  return check(module, limits);
}

function asMaskError(source: string, error: unknown): MaskCompileError {
  if (error instanceof MaskCompileError) return error;
  if (error instanceof ProgramError)
    return new MaskCompileError(source, error.span, error.kind, error.detail);
  // A RangeError (stack) or a bug: still one error type for the caller, pointing at the start.
  const detail =
    error instanceof RangeError
      ? 'the program is too deeply nested to compile'
      : `internal compiler error: ${error instanceof Error ? error.message : String(error)}`;
  return new MaskCompileError(source, { start: 0, end: 0 }, 'LimitError', detail);
}

function build(source: string, program: CheckedProgram): CompiledProgram {
  const wgsl = emitWgsl(program);
  const paramWords = new Uint32Array(paramVec4Count(program.params.length) * 4);
  const paramView = new DataView(paramWords.buffer);
  program.params.forEach((p, k) => {
    if (p.type === 'float') paramView.setFloat32(k * 4, p.value, true);
    else paramView.setInt32(k * 4, p.value, true);
  });
  const totalTensorWords = program.tensors.reduce((n, t) => n + t.values.length, 0);
  const tensorWords = new Uint32Array(Math.max(1, totalTensorWords));
  const tensorView = new DataView(tensorWords.buffer);
  for (const t of program.tensors) {
    t.values.forEach((v, k) => {
      const at = (t.offset + k) * 4;
      if (t.type === 'float') tensorView.setFloat32(at, v, true);
      else tensorView.setInt32(at, v, true);
    });
  }
  const maskFn = program.mask ? buildCpuFunction(program.mask, program, 'f32') : undefined;
  const scoreFn = program.score ? buildCpuFunction(program.score, program, 'f64') : undefined;
  return {
    source,
    params: program.params,
    tensors: program.tensors,
    hasScoreMod: program.score !== undefined,
    maskDeps: program.maskDeps,
    scoreDeps: program.scoreDeps,
    wgsl,
    wgslBounds: emitWgslBounds(program),
    paramWords,
    tensorWords,
    mask: maskFn ? (b, h, q, kv) => maskFn(0, b, h, q, kv) !== 0 : () => true,
    score: scoreFn ? (s, b, h, q, kv) => scoreFn(s, b, h, q, kv) : (s) => s,
    python: (shape: PythonExportShape) => exportPython(program, shape),
  };
}
