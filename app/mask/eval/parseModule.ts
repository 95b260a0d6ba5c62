/**
 * Parses a library module's text once per worker (flexmask's own attention-gym and transformers
 * implementations are parsed on first import and reused by every later compile).
 */
import type { Module } from '../ast';
import { MaskCompileError } from '../errors';
import { tokenize } from '../lexer';
import type { CompileLimits } from '../limits';
import { parse } from '../parser';
import { ProgramError } from '../errors';

const cache = new Map<string, Module>();

export function parseModule(source: string, fileName: string, limits: CompileLimits): Module {
  const cached = cache.get(fileName);
  if (cached) return cached;
  try {
    const module = parse(tokenize(source, limits), source, limits);
    cache.set(fileName, module);
    return module;
  } catch (error) {
    // A library module that does not parse is a bug in flexmask, reported as such.
    const detail = error instanceof ProgramError ? error.detail : String(error);
    throw new MaskCompileError(
      source,
      { start: 0, end: 0 },
      'SyntaxError',
      `flexmask's library module ${fileName} does not parse: ${detail}`,
    );
  }
}
