/**
 * Python's format-spec mini-language (`f"{x:.2f}"`, `f"{n:>4}"`, `"{:,}".format(n)`) for ints,
 * floats, strings and anything else through str(); and `str.format` with positional, numbered and
 * keyword fields.
 */
import {
  floatRepr,
  floatToInt,
  intValue,
  isNumber,
  significantDigits,
  toExponentialExact,
  toFixedExact,
  toFloat,
} from './numbers';
import type { Operators } from './operators';
import { hashKey, typeName } from './objects';
import { pyInt, pyStr, type CallArgs, type CallContext, type PyValue } from './values';

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

/** Widest field a format spec may ask for (a spec of 10**9 would otherwise build a huge string). */
const MAX_WIDTH = 10_000;

export function formatValue(
  value: PyValue,
  spec: string,
  ops: Operators,
  ctx: CallContext,
): string {
  if (spec === '') return ops.str(value);
  const m = SPEC.exec(spec);
  if (!m)
    return ctx.raise(
      'ValueError',
      `Invalid format specifier '${spec.slice(0, 60)}' for object of type '${value.kind}'`,
    );
  const [, fillChar, align, sign, alternate, zero, widthText, grouping, precisionText, type] = m;
  const width = widthText ? Math.min(Number(widthText), MAX_WIDTH) : 0;
  const precision = precisionText !== undefined ? Math.min(Number(precisionText), 100) : undefined;
  let body: string;
  let numeric = false;
  // A bool with a spec formats as the int it is (`f'{True:>3}'` is `  1`).
  if (isNumber(value)) {
    numeric = true;
    body = formatNumber(value, type, precision, grouping, ctx);
    if (alternate && (type === 'b' || type === 'o' || type === 'x' || type === 'X'))
      body = body.replace(/^-?/, (minus) => `${minus}0${type}`);
    if (sign === '+' && !body.startsWith('-')) body = `+${body}`;
    else if (sign === ' ' && !body.startsWith('-')) body = ` ${body}`;
  } else {
    if (value.kind === 'str' && type !== undefined && type !== 's')
      ctx.raise('ValueError', `Unknown format code '${type}' for object of type 'str'`);
    if (!['str', 'tensor', 'sym', 'symtable'].includes(value.kind))
      ctx.raise('TypeError', `unsupported format string passed to ${typeName(value)}.__format__`);
    body = ops.str(value);
    if (precision !== undefined) body = body.slice(0, precision);
  }
  const fill = fillChar ?? (zero && numeric ? '0' : ' ');
  const alignment = align ?? (zero && numeric ? '=' : numeric ? '>' : '<');
  if (body.length >= width) return body;
  const pad = width - body.length;
  switch (alignment) {
    case '<':
      return body + fill.repeat(pad);
    case '^':
      return fill.repeat(Math.floor(pad / 2)) + body + fill.repeat(Math.ceil(pad / 2));
    case '=': {
      // Padding goes after the sign (and after the `0x` of the alternate form).
      const head = (alternate ? /^[+\- ]?(?:0[bBoOxX])?/ : /^[+\- ]?/).exec(body)?.[0] ?? '';
      return head + fill.repeat(pad) + body.slice(head.length);
    }
    default:
      return fill.repeat(pad) + body;
  }
}

function group(digits: string, separator: string | undefined): string {
  if (!separator) return digits;
  const [intPart, frac] = digits.split('.');
  const negative = intPart.startsWith('-');
  const raw = negative ? intPart.slice(1) : intPart;
  const grouped = raw.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  return (negative ? '-' : '') + grouped + (frac !== undefined ? `.${frac}` : '');
}

function formatNumber(
  value: PyValue & { kind: 'int' | 'float' | 'bool' },
  type: string | undefined,
  precision: number | undefined,
  grouping: string | undefined,
  ctx: CallContext,
): string {
  const i = intValue(value);
  switch (type) {
    case undefined:
    case 'd':
    case 'n':
      if (i !== undefined) return group(i.toString(), grouping);
      if (type === 'd')
        return ctx.raise('ValueError', "Unknown format code 'd' for object of type 'float'");
      if (type === 'n') return generalFormat(toFloat(value), precision ?? 6, false);
      return group(
        precision !== undefined
          ? generalFormat(toFloat(value), precision, true)
          : floatRepr(toFloat(value)),
        grouping,
      );
    case 'b':
    case 'o':
    case 'x':
    case 'X': {
      if (i === undefined)
        return ctx.raise('ValueError', `Unknown format code '${type}' for object of type 'float'`);
      const radix = type === 'b' ? 2 : type === 'o' ? 8 : 16;
      const text = (i < 0n ? -i : i).toString(radix);
      return (i < 0n ? '-' : '') + (type === 'X' ? text.toUpperCase() : text);
    }
    case 'c':
      return String.fromCodePoint(Number(i ?? 0n));
    case 'e':
    case 'E': {
      const text = toExponentialExact(toFloat(value), precision ?? 6);
      return type === 'E' ? text.toUpperCase() : text;
    }
    case 'f':
    case 'F': {
      const text = group(toFixedExact(toFloat(value), precision ?? 6), grouping);
      return type === 'F' ? text.toUpperCase() : text;
    }
    case '%':
      return `${toFixedExact(toFloat(value) * 100, precision ?? 6)}%`;
    case 'g':
    case 'G': {
      const text = generalFormat(toFloat(value), precision ?? 6, false);
      return type === 'G' ? text.toUpperCase() : text;
    }
    default:
      return ctx.raise('ValueError', `Unknown format code '${type}'`);
  }
}

/**
 * The `g` presentation: `precision` significant digits, in scientific notation when the exponent
 * is below -4 or not below the precision, trailing zeros dropped. With no presentation type and a
 * precision (`addDotZero`), Python switches one exponent earlier and keeps a `.0`.
 */
function generalFormat(x: number, precision: number, addDotZero: boolean): string {
  if (!Number.isFinite(x)) return floatRepr(x);
  const p = Math.max(1, precision);
  const { exponent } = significantDigits(x, p);
  const scientific = exponent < -4 || exponent >= (addDotZero ? p - 1 : p);
  const text = (scientific ? toExponentialExact(x, p - 1) : toFixedExact(x, p - 1 - exponent))
    .replace(/(\.\d*?)0+(e|$)/, '$1$2')
    .replace(/\.(e|$)/, '$1');
  return addDotZero && !scientific && !text.includes('.') ? `${text}.0` : text;
}

/** `"{} and {name:>4}".format(a, name=b)`. */
export function formatString(
  template: string,
  args: CallArgs,
  ops: Operators,
  ctx: CallContext,
): string {
  let auto = 0;
  let out = '';
  for (let k = 0; k < template.length; k += 1) {
    const ch = template[k];
    if (ch === '{' && template[k + 1] === '{') {
      out += '{';
      k += 1;
      continue;
    }
    if (ch === '}' && template[k + 1] === '}') {
      out += '}';
      k += 1;
      continue;
    }
    if (ch !== '{') {
      out += ch;
      continue;
    }
    const close = template.indexOf('}', k);
    if (close < 0) return ctx.raise('ValueError', "Single '{' encountered in format string");
    const field = template.slice(k + 1, close);
    k = close;
    const [namePart, spec = ''] = field.split(/:(.*)/s, 2);
    const [name, conversion] = namePart.split('!');
    let value: PyValue | undefined;
    if (name === '') value = args.positional[auto++];
    else if (/^\d+$/.test(name)) value = args.positional[Number(name)];
    else value = args.keywords.get(name);
    if (value === undefined && !(name === '' || /^\d+$/.test(name)))
      return ctx.raise('KeyError', `'${name}'`, [pyStr(name)]);
    if (value === undefined)
      return ctx.raise(
        'IndexError',
        `Replacement index ${name || auto - 1} out of range for positional args tuple`,
      );
    const shown = conversion === 'r' ? { kind: 'str' as const, value: ops.repr(value) } : value;
    out += formatValue(shown, spec, ops, ctx);
  }
  return out;
}

const PERCENT = /%(?:\(([^)]*)\))?([-+ 0#]*)(\d*)(?:\.(\d+))?(.?)/y;

/** printf-style `format % args`: each `%[(key)][flags][width][.precision]type` as a format spec. */
export function percentFormat(
  format: string,
  args: PyValue,
  ops: Operators,
  ctx: CallContext,
): string {
  const mapping = args.kind === 'dict' ? args : undefined;
  const items = args.kind === 'tuple' ? [...args.items] : [args];
  let used = 0;
  let out = '';
  for (let k = 0; k < format.length;) {
    const at = format.indexOf('%', k);
    if (at < 0) {
      out += format.slice(k);
      break;
    }
    out += format.slice(k, at);
    PERCENT.lastIndex = at;
    const m = PERCENT.exec(format);
    if (!m) break;
    const [whole, key, flags, width, precision, type] = m;
    k = at + whole.length;
    if (type === '%') {
      out += '%';
      continue;
    }
    if (type === '') return ctx.raise('ValueError', 'incomplete format');
    if (!'diouxXeEfFgGcrsa'.includes(type))
      return ctx.raise(
        'ValueError',
        `unsupported format character '${type}' (0x${type.charCodeAt(0).toString(16)}) at index ${k - 1}`,
      );
    let value: PyValue;
    if (key !== undefined) {
      if (!mapping) return ctx.raise('TypeError', 'format requires a mapping');
      value =
        mapping.entries.get(hashKey(pyStr(key)) ?? '')?.value ??
        ctx.raise('KeyError', ops.repr(pyStr(key)), [pyStr(key)]);
    } else {
      value = items[used] ?? ctx.raise('TypeError', 'not enough arguments for format string');
      used += 1;
    }
    out += percentItem(value, type, flags, width, precision, ops, ctx);
  }
  if (!mapping && used < items.length)
    ctx.raise('TypeError', 'not all arguments converted during string formatting');
  return out;
}

function percentItem(
  value: PyValue,
  type: string,
  flags: string,
  width: string,
  precision: string | undefined,
  ops: Operators,
  ctx: CallContext,
): string {
  const align = flags.includes('-') ? '<' : '>';
  const dot = precision !== undefined ? `.${precision}` : '';
  if (type === 's' || type === 'r' || type === 'a') {
    const text = type === 's' ? ops.str(value) : ops.repr(value);
    return formatValue(pyStr(text), `${align}${width}${dot}`, ops, ctx);
  }
  if (type === 'c') {
    const char =
      value.kind === 'str' && [...value.value].length === 1
        ? value
        : value.kind === 'int'
          ? pyStr(formatValue(value, 'c', ops, ctx))
          : ctx.raise('TypeError', '%c requires int or char');
    return formatValue(char, `${align}${width}`, ops, ctx);
  }
  const integral = 'oxX'.includes(type);
  if (!isNumber(value) || (integral && intValue(value) === undefined))
    return ctx.raise(
      'TypeError',
      'eEfFgG'.includes(type)
        ? `must be real number, not ${typeName(value)}`
        : `%${type} format: ${integral ? 'an integer' : 'a real number'} is required, not ${typeName(value)}`,
    );
  const number = 'diu'.includes(type)
    ? pyInt(intValue(value) ?? floatToInt(toFloat(value)))
    : value;
  const sign = flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  const alternate = flags.includes('#') ? '#' : '';
  const spec =
    flags.includes('0') && align === '>'
      ? `${sign}${alternate}0${width}`
      : `${align}${sign}${alternate}${width}`;
  if (!'diu'.includes(type)) return formatValue(number, `${spec}${dot}${type}`, ops, ctx);
  if (precision === undefined) return formatValue(number, `${spec}d`, ops, ctx);
  // `%.3d` pads the digits with zeros to the precision.
  const digits = formatValue(number, `${sign}d`, ops, ctx).replace(/\d+/, (d) =>
    d.padStart(Number(precision), '0'),
  );
  return formatValue(pyStr(digits), `${align}${width}`, ops, ctx);
}
