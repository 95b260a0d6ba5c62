/**
 * `compile(source)`: text in, CompiledProgram out, or a MaskCompileError, and nothing else, for any
 * string. The lexer and parser read the text; the evaluator runs the setup code as Python and
 * traces mask_mod / score_mod (app/mask/eval); the WGSL, CPU, PyTorch and bounds back ends all read
 * the one traced program.
 */
import { evaluateProgram, type CheckedProgram } from './eval/program';
import { buildCpuFunction } from './cpu';
import { MaskCompileError, ProgramError } from './errors';
import { tokenize } from './lexer';
import { DEFAULT_LIMITS, type CompileLimits } from './limits';
import { parse } from './parser';
import { exportPytorch } from './pytorchExport';
import type { CompiledProgram, PytorchExportShape } from './types';
import { buildTileFunction, maskTileOf, scoreTileOf } from './tile';
import { emitWgsl, paramVec4Count } from './wgsl';
import { emitWgslBounds } from './wgslBounds';

export function compile(source: string): CompiledProgram {
  return compileWithLimits(source, DEFAULT_LIMITS);
}

/** Like `compile`, with other limits (tests use small ones to reach each limit quickly). */
export function compileWithLimits(source: string, limits: CompileLimits): CompiledProgram {
  return programFromData(compileToData(source, limits));
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
  return evaluateProgram(module, source, limits);
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

/**
 * Everything a compile produces that can cross a worker boundary (structured clone keeps the IR a
 * DAG): the page compiles in a worker and rebuilds the functions here with programFromData.
 */
export interface CompiledData {
  source: string;
  program: CheckedProgramData;
  wgsl: string;
  wgslBounds: string;
  paramWords: Uint32Array;
  tensorWords: Uint32Array;
}

/** The traced program without its syntax tree and coverage (which stay where it was compiled). */
export type CheckedProgramData = Omit<CheckedProgram, 'module' | 'covered' | 'literalLists'>;

/** Compiles to plain data: parse, evaluate, trace, emit WGSL; throws MaskCompileError. */
export function compileToData(
  source: string,
  limits: CompileLimits = DEFAULT_LIMITS,
): CompiledData {
  const text = typeof source === 'string' ? source : String(source);
  try {
    const checked = checkSource(text, limits);
    const { module, covered, literalLists, ...program } = checked;
    void module;
    void covered;
    void literalLists;
    const wgsl = emitWgsl(checked);
    const wgslBounds = emitWgslBounds(checked);
    checkWgslSize(text, wgsl.length + wgslBounds.length, limits);
    return {
      source: text,
      program,
      wgsl,
      wgslBounds,
      paramWords: packParams(checked),
      tensorWords: packTensors(checked),
    };
  } catch (error) {
    throw asMaskError(text, error);
  }
}

/**
 * The GPU code a program may become, stated by the language: a traced program under the node
 * limit can still print to megabytes of WGSL, which browsers compile slowly or refuse.
 */
function checkWgslSize(source: string, chars: number, limits: CompileLimits): void {
  if (chars <= limits.maxWgslChars) return;
  throw new MaskCompileError(
    source,
    { start: 0, end: 0 },
    'LimitError',
    `the traced program would be ${Math.ceil(chars / 1024)} KB of GPU code (flexmask's limit is ${Math.floor(limits.maxWgslChars / 1024)} KB): simplify mask_mod / score_mod`,
  );
}

function packParams(program: CheckedProgramData): Uint32Array {
  const paramWords = new Uint32Array(paramVec4Count(program.params.length) * 4);
  const paramView = new DataView(paramWords.buffer);
  program.params.forEach((p, k) => {
    if (p.type === 'float') paramView.setFloat32(k * 4, p.value, true);
    else paramView.setInt32(k * 4, p.value, true);
  });
  return paramWords;
}

function packTensors(program: CheckedProgramData): Uint32Array {
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
  return tensorWords;
}

/** The CompiledProgram of compiled data: the CPU functions and the export, built here. */
export function programFromData(data: CompiledData): CompiledProgram {
  const { program } = data;
  const maskFn = program.mask ? buildCpuFunction(program.mask, program, 'f32') : undefined;
  const scoreFn = program.score ? buildCpuFunction(program.score, program, 'f64') : undefined;
  return {
    source: data.source,
    params: program.params,
    tensors: program.tensors,
    hasScoreMod: program.score !== undefined,
    maskDeps: program.maskDeps,
    scoreDeps: program.scoreDeps,
    wgsl: data.wgsl,
    wgslBounds: data.wgslBounds,
    paramWords: data.paramWords,
    tensorWords: data.tensorWords,
    mask: maskFn ? (b, h, q, kv) => maskFn(0, b, h, q, kv) !== 0 : () => true,
    score: scoreFn ? (s, b, h, q, kv) => scoreFn(s, b, h, q, kv) : (s) => s,
    maskTile: maskTileOf(program.mask ? buildTileFunction(program.mask, program, 'f32') : null),
    scoreTile: scoreTileOf(program.score ? buildTileFunction(program.score, program, 'f64') : null),
    pytorchExport: (shape: PytorchExportShape) => exportPytorch(program, shape),
    printed: program.printed,
  };
}
