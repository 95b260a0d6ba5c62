/**
 * How the setup evaluator stops: a Python exception (`PyRaise`, catchable by the program's own
 * try/except) or a limit of flexmask's (`LimitExceeded`: steps, time, memory, call depth — never
 * catchable, so `try: while True: ...` cannot swallow it). Both carry a Python-style traceback of
 * the calls that led there, and the span in the user's program the page underlines.
 */
import type { SourceSpan } from '../types';
import type { ModuleSource, PyExceptionValue } from './values';

/** One line of a traceback: where a call was in which file and function. */
export interface TraceFrame {
  module: ModuleSource;
  /** `<module>` for top-level code, else the function's name. */
  name: string;
  span: SourceSpan;
}

export class PyRaise {
  constructor(
    readonly exception: PyExceptionValue,
    /** Outermost first, as Python prints it; filled in as the raise unwinds the calls. */
    public traceback: TraceFrame[],
    /** The expression that raised, in the innermost frame's text (more precise than its line). */
    readonly span?: SourceSpan,
  ) {}
}

export class LimitExceeded {
  constructor(
    /** The error's kind as shown: LimitError for flexmask's budgets, RecursionError for depth. */
    readonly kind: 'LimitError' | 'RecursionError',
    readonly message: string,
    public traceback: TraceFrame[],
  ) {}
}

/** Line number (1-based) and that line's text, for a span in a module's text. */
export function lineOf(
  text: string,
  offset: number,
): { line: number; lineText: string; lineStart: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  let lineEnd = text.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  return { line, lineText: text.slice(lineStart, lineEnd).replace(/\r$/, ''), lineStart };
}

/** Longest source line a traceback quotes. */
const QUOTED_LINE_LIMIT = 160;

/** How many identical frames in a row are shown before the rest are counted, as Python does. */
const REPEATS_SHOWN = 3;
/** Frames shown at each end of a long traceback. */
const ENDS_SHOWN = 12;

function sameFrame(a: TraceFrame, b: TraceFrame): boolean {
  return (
    a.module === b.module &&
    a.name === b.name &&
    a.span.start === b.span.start &&
    a.span.end === b.span.end
  );
}

/**
 * `Traceback (most recent call last):` and one `File ..., line N, in name` entry per frame, with
 * Python's `[Previous line repeated N more times]` for recursion, and a long traceback cut in the
 * middle so a message stays readable.
 */
export function formatTraceback(frames: readonly TraceFrame[]): string {
  const lines = ['Traceback (most recent call last):'];
  const entries: (TraceFrame | string)[] = [];
  for (let k = 0; k < frames.length;) {
    let run = 1;
    while (k + run < frames.length && sameFrame(frames[k], frames[k + run])) run += 1;
    for (let r = 0; r < Math.min(run, REPEATS_SHOWN); r += 1) entries.push(frames[k]);
    if (run > REPEATS_SHOWN)
      entries.push(`  [Previous line repeated ${run - REPEATS_SHOWN} more times]`);
    k += run;
  }
  const shown =
    entries.length > 2 * ENDS_SHOWN
      ? [
          ...entries.slice(0, ENDS_SHOWN),
          `  [... ${entries.length - 2 * ENDS_SHOWN} more calls ...]`,
          ...entries.slice(-ENDS_SHOWN),
        ]
      : entries;
  for (const entry of shown) {
    if (typeof entry === 'string') {
      lines.push(entry);
      continue;
    }
    const { line, lineText, lineStart } = lineOf(entry.module.text, entry.span.start);
    lines.push(`  File "${entry.module.fileName}", line ${line}, in ${entry.name}`);
    const code = lineText.trim();
    if (code.length === 0) continue;
    lines.push(
      `    ${code.length > QUOTED_LINE_LIMIT ? `${code.slice(0, QUOTED_LINE_LIMIT)}...` : code}`,
    );
    // Carets under the expression, as Python 3.11 prints them, when it is part of the line.
    const indent = lineText.length - lineText.trimStart().length;
    const from = entry.span.start - lineStart - indent;
    const to = Math.min(entry.span.end - lineStart - indent, code.length);
    if (from >= 0 && to > from && to - from < code.length && to <= QUOTED_LINE_LIMIT) {
      lines.push(`    ${' '.repeat(from)}${'^'.repeat(to - from)}`);
    }
  }
  return lines.join('\n');
}

/**
 * A Python exception to raise, described: the tracer and the tensor library throw one, and the
 * interpreter raises it as Python's exception at the right place.
 */
export class TraceError {
  constructor(
    readonly cls: string,
    readonly message: string,
  ) {}
}
