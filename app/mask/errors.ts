import type { SourceSpan } from './types';

/**
 * The kinds of error a program can have. Most are Python's own exception names (raised by the
 * setup code or by tracing, as CPython and PyTorch would raise them), so a message reads as Python
 * 3.11 would print it; a `raise` of a user-defined exception class reports that class's name.
 * NotSupportedError is ours: valid Python flexmask refuses, with a message that says what it
 * allows instead. LimitError: one of flexmask's size, depth, time or work limits was hit.
 */
export type MaskErrorKind =
  | 'SyntaxError'
  | 'IndentationError'
  | 'NameError'
  | 'UnboundLocalError'
  | 'TypeError'
  | 'ValueError'
  | 'ZeroDivisionError'
  | 'OverflowError'
  | 'AssertionError'
  | 'AttributeError'
  | 'IndexError'
  | 'KeyError'
  | 'ImportError'
  | 'ModuleNotFoundError'
  | 'RuntimeError'
  | 'NotImplementedError'
  | 'RecursionError'
  | 'StopIteration'
  | 'Exception'
  | 'NotSupportedError'
  | 'LimitError';

/** Where an offset falls: 1-based line and column (UTF-16 units), and the line's text. */
export interface SourcePosition {
  line: number;
  column: number;
  lineStart: number;
  lineText: string;
}

export function positionOf(source: string, offset: number): SourcePosition {
  const clamped = Math.max(0, Math.min(offset, source.length));
  const lineStart = source.lastIndexOf('\n', clamped - 1) + 1;
  let lineEnd = source.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = source.length;
  let line = 1;
  for (let i = source.indexOf('\n'); i >= 0 && i < lineStart; i = source.indexOf('\n', i + 1)) {
    line += 1;
  }
  const lineText = source.slice(lineStart, lineEnd).replace(/\r$/, '');
  return { line, column: clamped - lineStart + 1, lineStart, lineText };
}

/** Longest line shown in a message; longer lines are cut so a message stays readable. */
const SHOWN_LINE_LIMIT = 200;

/**
 * Python 3.11's layout: the file and line, the line without its indentation, carets under the
 * span's part on that line (at least one), then `Kind: message`.
 */
export function formatError(
  source: string,
  span: SourceSpan,
  kind: MaskErrorKind,
  message: string,
): string {
  const pos = positionOf(source, span.start);
  const indent = pos.lineText.length - pos.lineText.trimStart().length;
  const shown = pos.lineText.trim();
  const from = Math.max(0, pos.column - 1 - indent);
  const lineEndOffset = pos.lineStart + pos.lineText.length;
  const to = Math.max(from + 1, Math.min(span.end, lineEndOffset) - pos.lineStart - indent);
  const lines = [`  File "<mask>", line ${pos.line}`];
  if (shown.length > 0 && from <= SHOWN_LINE_LIMIT) {
    const text = shown.length > SHOWN_LINE_LIMIT ? `${shown.slice(0, SHOWN_LINE_LIMIT)}...` : shown;
    const carets = '^'.repeat(Math.max(1, Math.min(to, SHOWN_LINE_LIMIT + 1) - from));
    lines.push(`    ${text}`, `    ${' '.repeat(from)}${carets}`);
  }
  lines.push(`${kind}: ${message}`);
  return lines.join('\n');
}

/**
 * The one error `compile()` throws. `span` is a half-open range of UTF-16 offsets; `line` and
 * `column` are 1-based and point at the span's start; `formatted` is the whole Python-style text.
 */
export class MaskCompileError extends Error {
  readonly kind: MaskErrorKind;
  readonly span: SourceSpan;
  readonly line: number;
  readonly column: number;
  readonly formatted: string;
  /** The message without the kind, e.g. "name 'x' is not defined". */
  readonly detail: string;

  /** `Traceback (most recent call last): ...` through the calls, when the error came from a call. */
  readonly traceback: string | undefined;

  constructor(
    source: string,
    span: SourceSpan,
    kind: MaskErrorKind,
    detail: string,
    traceback?: string,
  ) {
    const located = formatError(source, span, kind, detail);
    const formatted = traceback ? `${traceback}\n${kind}: ${detail}` : located;
    super(`${kind}: ${detail}`);
    this.traceback = traceback;
    this.name = 'MaskCompileError';
    this.kind = kind;
    this.span = { start: span.start, end: span.end };
    const pos = positionOf(source, span.start);
    this.line = pos.line;
    this.column = pos.column;
    this.formatted = formatted;
    this.detail = detail;
  }
}

/**
 * Errors are raised deep inside the lexer, parser and checker, which do not all hold the source;
 * they throw this light marker and `compile()` turns it into a MaskCompileError.
 */
export class ProgramError {
  constructor(
    readonly span: SourceSpan,
    readonly kind: MaskErrorKind,
    readonly detail: string,
  ) {}
}

export function fail(span: SourceSpan, kind: MaskErrorKind, detail: string): never {
  throw new ProgramError(span, kind, detail);
}
