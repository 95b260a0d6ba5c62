/**
 * The methods of `str` (join, split, strip, format, startswith, find, partition, ljust, ...)
 * with Python's argument handling and errors. Strings have more methods than every other builtin
 * type together, so they have this module; methods.ts dispatches to them with the rest.
 */
import { asBigInt, bindArgs } from './args';
import { formatString } from './format';
import { typeName } from './objects';
import {
  NONE,
  pyBool,
  pyInt,
  pyStr,
  type CallArgs,
  type CallContext,
  type PyValue,
} from './values';
import type { Method } from './methods';

const items = (v: PyValue, ctx: CallContext): PyValue[] => [...ctx.iterate(v)];

function str(self: PyValue): string {
  return self.kind === 'str' ? self.value : '';
}

export const STR_METHODS: Record<string, Method> = {
  format(self, args, ctx, runtime) {
    return pyStr(formatString(str(self), args, runtime.interp.ops, ctx));
  },
  join(self, args, ctx, runtime) {
    const parts = items(args.positional[0] ?? NONE, ctx).map((p, k) => {
      if (p.kind !== 'str')
        ctx.raise('TypeError', `sequence item ${k}: expected str instance, ${typeName(p)} found`);
      return p.kind === 'str' ? p.value : '';
    });
    const total = parts.reduce((n, p) => n + p.length, 0) + str(self).length * parts.length;
    runtime.budget.checkItems(total, 'string');
    return pyStr(parts.join(str(self)));
  },
  split: (self, args, ctx) => splitText(str(self), args, ctx, false),
  rsplit: (self, args, ctx) => splitText(str(self), args, ctx, true),
  splitlines(self, args, ctx, runtime) {
    const keepends = args.positional[0] ?? args.keywords.get('keepends');
    const keep = keepends !== undefined && runtime.interp.truth(keepends, ctx.span);
    const lines = str(self).match(/[^\n\r]*(?:\r\n|\n|\r|$)/g) ?? [];
    const kept = lines.filter((line, k) => line !== '' || k < lines.length - 1);
    return {
      kind: 'list',
      items: kept.map((line) => pyStr(keep ? line : line.replace(/\r?\n$|\r$/, ''))),
    };
  },
  partition: (self, args, ctx) => partitionText(str(self), args, ctx, false),
  rpartition: (self, args, ctx) => partitionText(str(self), args, ctx, true),
  strip: (self, args) => pyStr(trimChars(str(self), args.positional[0], 'both')),
  lstrip: (self, args) => pyStr(trimChars(str(self), args.positional[0], 'start')),
  rstrip: (self, args) => pyStr(trimChars(str(self), args.positional[0], 'end')),
  lower: (self) => pyStr(str(self).toLowerCase()),
  upper: (self) => pyStr(str(self).toUpperCase()),
  title: (self) =>
    pyStr(
      str(self).replace(/\p{L}+/gu, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
    ),
  swapcase: (self) =>
    pyStr(
      [...str(self)]
        .map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()))
        .join(''),
    ),
  casefold: (self) => pyStr(str(self).toLowerCase()),
  capitalize: (self) => pyStr(str(self).charAt(0).toUpperCase() + str(self).slice(1).toLowerCase()),
  startswith: (self, args, ctx) => pyBool(affixMatch(str(self), args, ctx, 'start')),
  endswith: (self, args, ctx) => pyBool(affixMatch(str(self), args, ctx, 'end')),
  replace(self, args, ctx, runtime) {
    const [a, c, count] = args.positional;
    if (a?.kind !== 'str' || c?.kind !== 'str')
      return ctx.raise('TypeError', 'replace() arguments must be str');
    const limit = count === undefined ? -1 : Number(asBigInt(count, 'count', ctx));
    // An empty `old` matches before every character and at the end.
    const parts = a.value === '' ? ['', ...str(self), ''] : str(self).split(a.value);
    const cut = limit < 0 || limit >= parts.length ? parts.length : limit + 1;
    const out = [parts.slice(0, cut).join(c.value), ...parts.slice(cut)].join(a.value);
    runtime.budget.checkItems(out.length, 'string');
    return pyStr(out);
  },
  count(self, args) {
    const p = args.positional[0];
    if (p?.kind !== 'str' || p.value === '') return pyInt(str(self).length + 1);
    return pyInt(str(self).split(p.value).length - 1);
  },
  find: (self, args, ctx) => pyInt(findText(str(self), args, ctx, false)),
  rfind: (self, args, ctx) => pyInt(findText(str(self), args, ctx, true)),
  index(self, args, ctx) {
    const k = findText(str(self), args, ctx, false);
    return k < 0 ? ctx.raise('ValueError', 'substring not found') : pyInt(k);
  },
  rindex(self, args, ctx) {
    const k = findText(str(self), args, ctx, true);
    return k < 0 ? ctx.raise('ValueError', 'substring not found') : pyInt(k);
  },
  isdigit: (self) => pyBool(/^\p{Nd}+$/u.test(str(self))),
  isdecimal: (self) => pyBool(/^\p{Nd}+$/u.test(str(self))),
  isnumeric: (self) => pyBool(/^\p{N}+$/u.test(str(self))),
  isalpha: (self) => pyBool(/^\p{L}+$/u.test(str(self))),
  isalnum: (self) => pyBool(/^[\p{L}\p{N}]+$/u.test(str(self))),
  isspace: (self) => pyBool(/^\s+$/.test(str(self))),
  isupper: (self) =>
    pyBool(
      /\p{L}/u.test(str(self)) &&
        str(self) === str(self).toUpperCase() &&
        str(self) !== str(self).toLowerCase(),
    ),
  islower: (self) =>
    pyBool(
      /\p{L}/u.test(str(self)) &&
        str(self) === str(self).toLowerCase() &&
        str(self) !== str(self).toUpperCase(),
    ),
  isidentifier: (self) => pyBool(/^[\p{L}_][\p{L}\p{N}_]*$/u.test(str(self))),
  removeprefix(self, args) {
    const p = args.positional[0];
    const s = str(self);
    return pyStr(p?.kind === 'str' && s.startsWith(p.value) ? s.slice(p.value.length) : s);
  },
  removesuffix(self, args) {
    const p = args.positional[0];
    const s = str(self);
    return pyStr(
      p?.kind === 'str' && p.value !== '' && s.endsWith(p.value) ? s.slice(0, -p.value.length) : s,
    );
  },
  expandtabs(self, args, ctx) {
    const size = Number(asBigInt(args.positional[0] ?? pyInt(8), 'tabsize', ctx));
    let column = 0;
    let out = '';
    for (const ch of str(self)) {
      if (ch === '\t') {
        const spaces = size > 0 ? size - (column % size) : 0;
        out += ' '.repeat(spaces);
        column += spaces;
      } else {
        out += ch;
        column = ch === '\n' || ch === '\r' ? 0 : column + 1;
      }
    }
    return pyStr(out);
  },
  zfill(self, args, ctx) {
    const width = Number(asBigInt(args.positional[0] ?? NONE, 'width', ctx));
    const s = str(self);
    const sign = s.startsWith('-') || s.startsWith('+') ? s[0] : '';
    return pyStr(sign + s.slice(sign.length).padStart(Math.min(width, 100_000) - sign.length, '0'));
  },
  ljust: (self, args, ctx) => pyStr(justify(str(self), args, ctx, '<')),
  rjust: (self, args, ctx) => pyStr(justify(str(self), args, ctx, '>')),
  center: (self, args, ctx) => pyStr(justify(str(self), args, ctx, '^')),
};

/** str.ljust / rjust / center: padded to a width with a fill character (a space by default). */
function justify(text: string, args: CallArgs, ctx: CallContext, align: '<' | '>' | '^'): string {
  const [widthValue, fillValue] = args.positional;
  const width = Math.min(100_000, Number(asBigInt(widthValue ?? NONE, 'width', ctx)));
  const fill = fillValue === undefined ? ' ' : fillValue.kind === 'str' ? fillValue.value : '';
  if ([...fill].length !== 1)
    ctx.raise('TypeError', 'The fill character must be exactly one character long');
  const pad = Math.max(0, width - [...text].length);
  // Python's center puts the odd space on the left when the width is odd.
  const left = align === '>' ? pad : align === '<' ? 0 : Math.floor(pad / 2) + (pad & width & 1);
  return fill.repeat(left) + text + fill.repeat(pad - left);
}

/** str.split / str.rsplit: on a separator, or on runs of whitespace when there is none. */
function splitText(text: string, args: CallArgs, ctx: CallContext, fromRight: boolean): PyValue {
  const [sep, max] = bindArgs(fromRight ? 'rsplit' : 'split', args, ['sep', 'maxsplit'], 0, ctx);
  const limit = max && max.kind !== 'none' ? Number(asBigInt(max, 'maxsplit', ctx)) : -1;
  let parts: string[];
  if (sep === undefined || sep.kind === 'none') {
    // Whitespace: leading and trailing whitespace never makes an empty part.
    const words = [...text.matchAll(/\S+/g)];
    const cut = limit < 0 || limit >= words.length ? words.length : limit;
    if (cut === words.length) parts = words.map((w) => w[0]);
    else if (fromRight) {
      const rest = words[words.length - cut - 1];
      parts = [
        text.slice(0, (rest.index ?? 0) + rest[0].length),
        ...words.slice(words.length - cut).map((w) => w[0]),
      ];
    } else {
      const rest = words[cut];
      parts = [...words.slice(0, cut).map((w) => w[0]), text.slice(rest.index)];
    }
  } else {
    if (sep.kind !== 'str')
      return ctx.raise('TypeError', `must be str or None, not ${typeName(sep)}`);
    if (sep.value === '') return ctx.raise('ValueError', 'empty separator');
    parts = text.split(sep.value);
    if (limit >= 0 && parts.length > limit + 1) {
      parts = fromRight
        ? [
            parts.slice(0, parts.length - limit).join(sep.value),
            ...parts.slice(parts.length - limit),
          ]
        : [...parts.slice(0, limit), parts.slice(limit).join(sep.value)];
    }
  }
  return { kind: 'list', items: parts.map(pyStr) };
}

/** str.partition / rpartition: (before, separator, after) around the first (last) separator. */
function partitionText(
  text: string,
  args: CallArgs,
  ctx: CallContext,
  fromRight: boolean,
): PyValue {
  const sep = args.positional[0];
  if (sep?.kind !== 'str')
    return ctx.raise('TypeError', `must be str, not ${typeName(sep ?? NONE)}`);
  if (sep.value === '') return ctx.raise('ValueError', 'empty separator');
  const k = fromRight ? text.lastIndexOf(sep.value) : text.indexOf(sep.value);
  const parts =
    k < 0
      ? fromRight
        ? ['', '', text]
        : [text, '', '']
      : [text.slice(0, k), sep.value, text.slice(k + sep.value.length)];
  return { kind: 'tuple', items: parts.map(pyStr) };
}

/** A method's optional `start, end` arguments, as slice positions in a sequence of `length`. */
export function window(
  startValue: PyValue | undefined,
  endValue: PyValue | undefined,
  length: number,
  ctx: CallContext,
): [number, number] {
  const bound = (v: PyValue | undefined, fallback: number): number => {
    if (v === undefined || v.kind === 'none') return fallback;
    const i = Number(asBigInt(v, 'slice index', ctx));
    return i < 0 ? Math.max(0, i + length) : Math.min(i, length);
  };
  return [bound(startValue, 0), bound(endValue, length)];
}

/** str.startswith / endswith: a prefix (suffix), or one of a tuple of them, within [start, end). */
function affixMatch(
  text: string,
  args: CallArgs,
  ctx: CallContext,
  side: 'start' | 'end',
): boolean {
  const [affix, startValue, endValue] = args.positional;
  const options = affix?.kind === 'tuple' ? affix.items : affix ? [affix] : [];
  const [start, end] = window(startValue, endValue, text.length, ctx);
  const part = text.slice(start, Math.max(start, end));
  return options.some((o) => {
    if (o.kind !== 'str')
      ctx.raise(
        'TypeError',
        `${side}swith first arg must be str or a tuple of str, not ${typeName(o)}`,
      );
    return start <= end && (side === 'start' ? part.startsWith(o.value) : part.endsWith(o.value));
  });
}

/** str.find / rfind (and index / rindex): where the substring is within [start, end), or -1. */
function findText(text: string, args: CallArgs, ctx: CallContext, fromRight: boolean): number {
  const [sub, startValue, endValue] = args.positional;
  if (sub?.kind !== 'str')
    return ctx.raise('TypeError', `must be str, not ${typeName(sub ?? NONE)}`);
  const [start, end] = window(startValue, endValue, text.length, ctx);
  const searched = text.slice(start, end);
  if (end - start < sub.value.length) return -1;
  const k = fromRight ? searched.lastIndexOf(sub.value) : searched.indexOf(sub.value);
  return k < 0 ? -1 : start + k;
}

function trimChars(
  text: string,
  chars: PyValue | undefined,
  side: 'both' | 'start' | 'end',
): string {
  const set = chars?.kind === 'str' ? chars.value : ' \t\n\r\x0b\x0c';
  let start = 0;
  let end = text.length;
  if (side !== 'end') while (start < end && set.includes(text[start])) start += 1;
  if (side !== 'start') while (end > start && set.includes(text[end - 1])) end -= 1;
  return text.slice(start, end);
}
