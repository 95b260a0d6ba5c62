/**
 * Parameters are the program's top-level constants (`WINDOW = 3`). A slider rewrites the number
 * in the text, by the span the compiler reported, so the text stays the one source of truth.
 */
import type { ParamInfo, ScalarType, SourceSpan } from '../mask/types';
import { topLevelStatements } from './pythonText';

/** How a value is written in Python: ints without a point, floats with one, bools by name. */
export function formatParamValue(type: ScalarType, value: number): string {
  if (type === 'bool') return value ? 'True' : 'False';
  if (type === 'int') return String(Math.round(value));
  if (!Number.isFinite(value)) return '0.0';
  const text = String(Number(value.toPrecision(12)));
  return /[.e]/.test(text) ? text : `${text}.0`;
}

// The literal at the end of an assignment's text: `-3`, `2.5`, `1e-3`, `True`.
const TRAILING_LITERAL =
  /(?<![\w.])((?:-\s*)?(?:\d[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|True|False)(\s*(?:#.*)?)$/;

/** Where the literal ends a span's text (`WINDOW = 3` or just `3`), or null. */
function literalIn(source: string, span: SourceSpan): SourceSpan | null {
  const { start, end } = span;
  if (start < 0 || end > source.length || start > end) return null;
  const match = TRAILING_LITERAL.exec(source.slice(start, end));
  if (!match) return null;
  const literalStart = start + match.index;
  return { start: literalStart, end: literalStart + match[1].length };
}

/** The literal of the last top-level `name = <literal>` in the text, or null. */
export function findConstant(source: string, name: string): SourceSpan | null {
  const statement = topLevelStatements(source)
    .filter((s) => s.kind === 'assign' && s.name === name)
    .pop();
  return statement ? literalIn(source, statement) : null;
}

/** The current value of a top-level constant in the text, or null when it is not a literal. */
export function readConstant(source: string, name: string): number | null {
  const span = findConstant(source, name);
  if (!span) return null;
  const text = source.slice(span.start, span.end).replace(/[\s_]/g, '');
  if (text === 'True') return 1;
  if (text === 'False') return 0;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/**
 * Rewrites one parameter's value. When `source` is the text the parameter was compiled from, its
 * span says where; otherwise (the text moved on since the compile, as during a slider drag) the
 * constant is found by name. Only the literal changes. Returns the text unchanged when the
 * constant is no longer a literal.
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
