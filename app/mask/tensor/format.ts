/**
 * torch's tensor repr (what print() and f-strings show): the same element formatter (int mode,
 * fixed with 4 decimals, or scientific), the same padding, line wrapping at 80 columns,
 * summarization beyond 1000 elements, and the dtype suffix for non-default dtypes.
 */
import { isFloating } from './dtype';
import { NdArray, walk } from './ndarray';
import { select } from './strided';

const PRECISION = 4;
const LINE_WIDTH = 80;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;

/**
 * Python's `format(x, '.Nf')`: the exact binary value rounded half to even (JavaScript's toFixed
 * rounds exact ties up, so 0.03125 would print 0.0313 where Python prints 0.0312).
 */
export function pyFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const negative = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  if (ax >= 1e21) return (negative ? '-' : '') + ax.toFixed(digits);
  const exact = ax.toFixed(100);
  const point = exact.indexOf('.');
  const intPart = exact.slice(0, point);
  const frac = exact.slice(point + 1);
  const kept = intPart + frac.slice(0, digits);
  const rest = frac.slice(digits);
  let roundUp = false;
  if (rest[0] > '5') roundUp = true;
  else if (rest[0] === '5') {
    const tie = /^50*$/.test(rest);
    roundUp = !tie || Number(kept[kept.length - 1]) % 2 === 1;
  }
  let digitsStr = kept;
  if (roundUp) {
    const chars = digitsStr.split('');
    let i = chars.length - 1;
    while (i >= 0 && chars[i] === '9') {
      chars[i] = '0';
      i--;
    }
    if (i < 0) chars.unshift('1');
    else chars[i] = String(Number(chars[i]) + 1);
    digitsStr = chars.join('');
  }
  const intLen = digitsStr.length - digits;
  const body = digits > 0 ? `${digitsStr.slice(0, intLen)}.${digitsStr.slice(intLen)}` : digitsStr;
  return (negative ? '-' : '') + body;
}

/** Python's `format(x, '.Ne')` (exponent with at least two digits). */
export function pyExp(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const s = (Object.is(x, -0) ? '-' : '') + x.toExponential(digits);
  const [mantissa, exponent] = s.split('e');
  const sign = exponent[0] === '-' ? '-' : '+';
  const e = exponent.replace(/^[+-]/, '');
  return `${mantissa}e${sign}${e.length < 2 ? `0${e}` : e}`;
}

class Formatter {
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(
    private readonly floating: boolean,
    private readonly isBool: boolean,
    values: number[],
  ) {
    if (!floating) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, this.plain(v).length);
      return;
    }
    const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (finite.length === 0) return;
    let min = Infinity;
    let max = 0;
    for (const v of finite) {
      min = Math.min(min, Math.abs(v));
      max = Math.max(max, Math.abs(v));
    }
    this.intMode = finite.every((v) => v === Math.ceil(v));
    const wide = max / min > 1000 || max > 1e8;
    if (this.intMode) {
      if (wide) {
        this.sciMode = true;
        for (const v of finite) this.maxWidth = Math.max(this.maxWidth, pyExp(v, PRECISION).length);
      } else {
        for (const v of finite) this.maxWidth = Math.max(this.maxWidth, pyFixed(v, 0).length + 1);
      }
    } else if (wide || min < 1e-4) {
      this.sciMode = true;
      for (const v of finite) this.maxWidth = Math.max(this.maxWidth, pyExp(v, PRECISION).length);
    } else {
      for (const v of finite) this.maxWidth = Math.max(this.maxWidth, pyFixed(v, PRECISION).length);
    }
  }

  private plain(v: number): string {
    return this.isBool ? (v !== 0 ? 'True' : 'False') : String(v);
  }

  width(): number {
    return this.maxWidth;
  }

  format(v: number): string {
    let s: string;
    if (!this.floating) s = this.plain(v);
    else if (this.sciMode) s = pyExp(v, PRECISION);
    else if (this.intMode) s = pyFixed(v, 0) + (Number.isFinite(v) ? '.' : '');
    else s = pyFixed(v, PRECISION);
    return s.padStart(this.maxWidth, ' ');
  }
}

/** The values torch's formatter looks at: all, or only the edges when summarizing. */
function shownValues(a: NdArray, summarize: boolean): number[] {
  const values: number[] = [];
  const idx = new Array<number>(a.ndim).fill(0);
  walk(a.shape, a.strides, a.offset, (i, o) => {
    if (summarize) {
      let rest = i;
      for (let d = a.ndim - 1; d >= 0; d--) {
        idx[d] = rest % a.shape[d];
        rest = Math.floor(rest / a.shape[d]);
      }
      const edge = idx.every(
        (k, d) => a.shape[d] <= 2 * EDGE_ITEMS || k < EDGE_ITEMS || k >= a.shape[d] - EDGE_ITEMS,
      );
      if (!edge) return;
    }
    values.push(a.data[o]);
  });
  return values;
}

function vectorStr(a: NdArray, indent: number, summarize: boolean, f: Formatter): string {
  const elementLength = f.width() + 2;
  const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / elementLength));
  const n = a.shape[0];
  const value = (k: number) => f.format(a.data[a.offset + k * a.strides[0]]);
  let data: string[];
  if (summarize && n > 2 * EDGE_ITEMS) {
    data = [];
    for (let k = 0; k < EDGE_ITEMS; k++) data.push(value(k));
    data.push(' ...');
    for (let k = n - EDGE_ITEMS; k < n; k++) data.push(value(k));
  } else {
    data = Array.from({ length: n }, (_, k) => value(k));
  }
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(', '));
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

/** Recursion is bounded by the rank (at most MAX_RANK), never by the data. */
function tensorStr(a: NdArray, indent: number, summarize: boolean, f: Formatter): string {
  if (a.ndim === 0) return f.format(a.data[a.offset]);
  if (a.ndim === 1) return vectorStr(a, indent, summarize, f);
  const n = a.shape[0];
  const row = (k: number) => tensorStr(select(a, 0, k), indent + 1, summarize, f);
  let slices: string[];
  if (summarize && n > 2 * EDGE_ITEMS) {
    slices = [];
    for (let k = 0; k < EDGE_ITEMS; k++) slices.push(row(k));
    slices.push('...');
    for (let k = n - EDGE_ITEMS; k < n; k++) slices.push(row(k));
  } else {
    slices = Array.from({ length: n }, (_, k) => row(k));
  }
  return `[${slices.join(`,${'\n'.repeat(a.ndim - 1)}${' '.repeat(indent + 1)}`)}]`;
}

function addSuffixes(text: string, suffixes: string[], indent: number): string {
  const parts = [text];
  let lastLineLen = text.length - text.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > LINE_WIDTH) {
      parts.push(`,\n${' '.repeat(indent)}${suffix}`);
      lastLineLen = indent + suffix.length;
    } else {
      parts.push(`, ${suffix}`);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/** `repr(t)` as PyTorch prints it: `tensor([1, 2, 3], dtype=torch.int32)`. */
export function formatTensor(a: NdArray): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  if (a.numel === 0) {
    if (a.ndim !== 1) {
      suffixes.push(`size=(${a.shape.join(', ')}${a.ndim === 1 ? ',' : ''})`);
    }
    if (a.dtype !== 'float32') suffixes.push(`dtype=torch.${a.dtype}`);
    body = '[]';
  } else {
    const summarize = a.numel > THRESHOLD;
    const f = new Formatter(isFloating(a.dtype), a.dtype === 'bool', shownValues(a, summarize));
    body = tensorStr(a, indent, summarize, f);
    if (a.dtype !== 'float32' && a.dtype !== 'int64' && a.dtype !== 'bool') {
      suffixes.push(`dtype=torch.${a.dtype}`);
    }
  }
  return addSuffixes(prefix + body, suffixes, indent);
}
