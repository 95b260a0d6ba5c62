/**
 * Parameters are the program's top-level constants (`WINDOW = 3`). A slider rewrites the number
 * in the text, by the span the compiler reported, so the text stays the one source of truth.
 *
 * Everything here is bounded on hostile text: a text is tokenized once per change (memoised, and
 * not at all past MAX_SCANNED_SOURCE), literals are matched by a single linear scan, and nothing
 * quotes more than MAX_QUOTED_CHARS of a name.
 */
import type { ParamInfo, ScalarType, SourceSpan } from '../mask/types';
import { DEFAULT_LIMITS } from '../mask/limits';
import { topLevelStatements, type TopLevelStatement } from '../mask/programText';

/** How a value is written in Python: ints without a point, floats with one, bools by name. */
export function formatParamValue(type: ScalarType, value: number): string {
  if (type === 'bool') return value ? 'True' : 'False';
  if (type === 'int') return String(Math.round(value));
  if (!Number.isFinite(value)) return '0.0';
  const text = String(Number(value.toPrecision(12)));
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/**
 * At most this many parameters get a slider (and a number field); the others are listed by name
 * and value. A program of `name = 1` lines can have thousands of constants, and thousands of
 * sliders would make every render slow and the panel useless; the text stays editable.
 */
export const MAX_PARAM_SLIDERS = 64;

/**
 * Texts longer than this are not scanned for constants: the compiler refuses programs over its
 * source limit, so sliders have nothing to gain from them, and the scan of the text stays
 * bounded however much is pasted.
 */
export const MAX_SCANNED_SOURCE = 2 * DEFAULT_LIMITS.maxSourceLength;

/** The most characters of a name (or value) the panel quotes before cutting it short. */
export const MAX_QUOTED_CHARS = 60;

/** Text for a message or a listing: at most `max` characters, with an ellipsis when cut. */
export function quoteShort(text: string, max = MAX_QUOTED_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}\u2026`;
}

// Character codes the literal scanner compares against.
const Ch = {
  Tab: 9,
  Newline: 10,
  Return: 13,
  Space: 32,
  Open: 40, // (
  Close: 41, // )
  Plus: 43,
  Minus: 45,
  Dot: 46,
  Zero: 48,
  One: 49,
  Seven: 55,
  Nine: 57,
  Underscore: 95,
  LowerB: 98,
  LowerE: 101,
  LowerO: 111,
  LowerX: 120,
} as const;

function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

function isSpace(c: number): boolean {
  return c === Ch.Space || c === Ch.Tab || c === Ch.Newline || c === Ch.Return;
}

function isHexDigit(c: number): boolean {
  const lower = c | 0x20;
  return isDigit(c) || (lower >= 97 && lower <= 102); // a-f, A-F
}

/** Digits and underscores from `i`, at least one digit: the end, or -1 when there is none. */
function digitRun(text: string, i: number, end: number, digit: (c: number) => boolean): number {
  let j = i;
  let digits = 0;
  while (j < end) {
    const c = text.charCodeAt(j);
    if (digit(c)) digits += 1;
    else if (c !== Ch.Underscore) break;
    j += 1;
  }
  return digits > 0 ? j : -1;
}

/**
 * Whether text[start, end) is exactly one unsigned Python number literal that `Number` reads
 * once its underscores are gone: `3`, `1_000`, `2.5`, `5.`, `.5`, `1e-3`, `0x1F`, `0o7`, `0b101`.
 * One pass, no backtracking: linear in the length however the text is made.
 */
function isNumberLiteral(text: string, start: number, end: number): boolean {
  if (start >= end) return false;
  const first = text.charCodeAt(start);
  if (first === Ch.Zero && end - start > 2) {
    const base = text.charCodeAt(start + 1) | 0x20; // lower case
    const digit =
      base === Ch.LowerX
        ? isHexDigit
        : base === Ch.LowerO
          ? (c: number) => c >= Ch.Zero && c <= Ch.Seven
          : base === Ch.LowerB
            ? (c: number) => c === Ch.Zero || c === Ch.One
            : null;
    if (digit) return digitRun(text, start + 2, end, digit) === end;
  }
  let i = start;
  let mantissa = false;
  if (isDigit(first)) {
    i = digitRun(text, i, end, isDigit);
    mantissa = true;
  }
  if (i < end && text.charCodeAt(i) === Ch.Dot) {
    i += 1;
    const fraction = digitRun(text, i, end, isDigit);
    if (fraction >= 0) {
      i = fraction;
      mantissa = true;
    }
  }
  if (!mantissa) return false;
  if (i < end && (text.charCodeAt(i) | 0x20) === Ch.LowerE) {
    i += 1;
    const sign = i < end ? text.charCodeAt(i) : -1;
    if (sign === Ch.Plus || sign === Ch.Minus) i += 1;
    i = digitRun(text, i, end, isDigit);
    if (i < 0) return false;
  }
  return i === end;
}

/**
 * The literal in source[start, end), give or take whitespace and parentheses around it: an
 * optionally signed number (`-3`, `- 3`, `+2.5`) or `True` / `False`. Returns the span of the
 * literal (sign included, parentheses not) or null when the range holds anything else. Linear in
 * the length of the range.
 */
function literalIn(source: string, span: SourceSpan): SourceSpan | null {
  let { start, end } = span;
  if (!(start >= 0 && end <= source.length && start <= end)) return null;
  for (;;) {
    while (start < end && isSpace(source.charCodeAt(start))) start += 1;
    while (end > start && isSpace(source.charCodeAt(end - 1))) end -= 1;
    if (
      end - start < 2 ||
      source.charCodeAt(start) !== Ch.Open ||
      source.charCodeAt(end - 1) !== Ch.Close
    )
      break;
    start += 1;
    end -= 1;
  }
  const text = source.slice(start, end);
  if (text === 'True' || text === 'False') return { start, end };
  let digits = start;
  const sign = source.charCodeAt(start);
  if (sign === Ch.Minus || sign === Ch.Plus) {
    digits += 1;
    while (digits < end && isSpace(source.charCodeAt(digits))) digits += 1;
  }
  return isNumberLiteral(source, digits, end) ? { start, end } : null;
}

/** The value a literal's text stands for, or null. */
function literalValue(text: string): number | null {
  if (text === 'True') return 1;
  if (text === 'False') return 0;
  const value = Number(text.replace(/[\s_]/g, ''));
  return Number.isFinite(value) ? value : null;
}

/**
 * What the text says about its top-level constants, computed once per text: the literal of each
 * name's last top-level assignment (`WINDOW = 3`, `WINDOW: int = 3`). Asking for a name costs a
 * map look-up (and, the first time, a scan of that one literal), however many names are asked.
 */
export interface ConstantTable {
  /** The literal of the last top-level `name = <literal>`; null when there is none. */
  span(name: string): SourceSpan | null;
  /** The value of that literal (bools as 1 and 0); null when it is not a literal. */
  value(name: string): number | null;
}

const NO_CONSTANTS: ConstantTable = { span: () => null, value: () => null };

// Keyed by the statement list, which topLevelStatements memoises by the text: the table lives
// exactly as long as the text's statements do.
const tables = new WeakMap<readonly TopLevelStatement[], ConstantTable>();

/** The constants of a text (memoised by the text). */
export function constantsOf(source: string): ConstantTable {
  if (source.length > MAX_SCANNED_SOURCE) return NO_CONSTANTS;
  const statements = topLevelStatements(source);
  const known = tables.get(statements);
  if (known) return known;
  const table = buildTable(source, statements);
  tables.set(statements, table);
  return table;
}

function buildTable(source: string, statements: readonly TopLevelStatement[]): ConstantTable {
  const lastAssignment = new Map<string, TopLevelStatement>();
  for (const statement of statements) {
    if (statement.kind === 'assign' && statement.name !== null)
      lastAssignment.set(statement.name, statement);
  }
  const literals = new Map<string, SourceSpan | null>();
  const span = (name: string): SourceSpan | null => {
    const seen = literals.get(name);
    if (seen !== undefined) return seen;
    const statement = lastAssignment.get(name);
    const found = statement ? assignedLiteral(source, statement) : null;
    literals.set(name, found);
    return found;
  };
  return {
    span,
    value: (name) => {
      const found = span(name);
      return found ? literalValue(source.slice(found.start, found.end)) : null;
    },
  };
}

/** The literal an assignment statement assigns: everything after its first top-level `=`. */
function assignedLiteral(source: string, statement: TopLevelStatement): SourceSpan | null {
  const { tokens } = statement;
  const equals = tokens.findIndex((t) => t.kind === 'op' && t.text === '=' && t.depth === 0);
  if (equals < 0) return null;
  let last = tokens.length - 1;
  while (last > equals && tokens[last].kind === 'comment') last -= 1;
  if (last === equals) return null;
  return literalIn(source, { start: tokens[equals + 1].start, end: tokens[last].end });
}

/** The literal of the last top-level `name = <literal>` in the text, or null. */
export function findConstant(source: string, name: string): SourceSpan | null {
  return constantsOf(source).span(name);
}

/** The current value of a top-level constant in the text, or null when it is not a literal. */
export function readConstant(source: string, name: string): number | null {
  return constantsOf(source).value(name);
}

/**
 * Rewrites one parameter's value. When `source` is the text the parameter was compiled from, its
 * span says where; otherwise (the text moved on since the compile, as during a slider drag) the
 * constant is found by name, in the text's memoised table. Only the literal changes. Returns the
 * text unchanged when the constant is no longer a literal.
 */
export function rewriteParam(
  source: string,
  param: ParamInfo,
  value: number,
  compiledSource: string | null = source,
): string {
  const literal =
    compiledSource === source ? literalIn(source, param.span) : findConstant(source, param.name);
  if (!literal) return source;
  return (
    source.slice(0, literal.start) + formatParamValue(param.type, value) + source.slice(literal.end)
  );
}

/** The parameters that get sliders (the first MAX_PARAM_SLIDERS) and those that are listed. */
export function splitForSliders<T>(params: readonly T[]): {
  sliders: readonly T[];
  rest: readonly T[];
} {
  if (params.length <= MAX_PARAM_SLIDERS) return { sliders: params, rest: [] };
  return { sliders: params.slice(0, MAX_PARAM_SLIDERS), rest: params.slice(MAX_PARAM_SLIDERS) };
}

/**
 * The parameters past the slider cap as `name = value` lines, values as the text has them now
 * (the compiled value where the text no longer has a literal). Names are cut to
 * MAX_QUOTED_CHARS; values are formatted numbers, so no line is long.
 */
export function paramListing(params: readonly ParamInfo[], constants: ConstantTable): string {
  return params
    .map(
      (p) =>
        `${quoteShort(p.name)} = ${formatParamValue(p.type, constants.value(p.name) ?? p.value)}`,
    )
    .join('\n');
}

export interface SliderRange {
  min: number;
  max: number;
  step: number;
}

/**
 * A range that makes sense for a slider: from 0 (or the value, if negative) to well past the
 * value and the sequence length, since most integer parameters are token counts.
 */
export function sliderRange(param: ParamInfo, sequenceLength: number): SliderRange {
  const v = param.value;
  if (param.type === 'bool') return { min: 0, max: 1, step: 1 };
  if (param.type === 'int') {
    const min = Math.min(0, v);
    const max = Math.max(v * 2, sequenceLength, 8, v + 1);
    return { min, max, step: 1 };
  }
  const magnitude = Math.max(1, Math.abs(v) * 2);
  const min = v < 0 ? -magnitude : 0;
  return { min, max: magnitude, step: magnitude / 100 };
}
