/**
 * Methods of Python's builtin types (str, list, tuple, dict, set, int, float, range) as setup code
 * calls them: `lengths.append(n)`, `", ".join(parts)`, `config.get("window", 128)`, ...
 * The str methods are in strMethods.ts; the dispatch and the other types' methods are here.
 */
import { asBigInt, bindArgs, noKeywords } from './args';
import { sortValues } from './builtinIteration';
import { exactBinary, intValue } from './numbers';
import { hashKey, itemEquals, pyRepr, typeName } from './objects';
import type { Runtime } from './runtime';
import {
  NONE,
  native,
  pyBool,
  pyFloat,
  pyInt,
  pyStr,
  type CallArgs,
  type CallContext,
  type PyClass,
  type PySet,
  type PyValue,
} from './values';
import { STR_METHODS, window } from './strMethods';

/** A builtin type's method, called with the value it was read from. */
export type Method = (self: PyValue, args: CallArgs, ctx: CallContext, runtime: Runtime) => PyValue;

export function builtinMethod(
  object: PyValue,
  name: string,
  runtime: Runtime,
): PyValue | undefined {
  const table = METHODS[object.kind];
  const method = table?.[name];
  if (method === undefined) {
    if (object.kind === 'int' || object.kind === 'bool') {
      if (name === 'real' || name === 'numerator') return object;
      if (name === 'denominator') return pyInt(1n);
    }
    if (object.kind === 'float' && name === 'real') return object;
    if (name === 'imag' && (object.kind === 'int' || object.kind === 'bool')) return pyInt(0n);
    if (name === 'imag' && object.kind === 'float') return pyFloat(0);
    if (object.kind === 'range' && (name === 'start' || name === 'stop' || name === 'step')) {
      return pyInt(object[name]);
    }
    if (object.kind === 'slice' && (name === 'start' || name === 'stop' || name === 'step')) {
      return object[name];
    }
    return undefined;
  }
  return native(`${typeName(object)}.${name}`, (args, ctx) => method(object, args, ctx, runtime));
}

/** `str.lower`, `dict.get`: a builtin type's method read from the type, taking `self` first. */
export function unboundMethod(cls: PyClass, name: string, runtime: Runtime): PyValue | undefined {
  const kinds = cls.instanceKinds ?? [];
  const method = kinds.length > 0 ? METHODS[kinds[0]]?.[name] : undefined;
  if (method === undefined) return undefined;
  return native(`${cls.name}.${name}`, (args, ctx) => {
    const [self, ...rest] = args.positional;
    if (self === undefined)
      return ctx.raise('TypeError', `unbound method ${cls.name}.${name}() needs an argument`);
    if (!kinds.includes(self.kind))
      return ctx.raise(
        'TypeError',
        `descriptor '${name}' for '${cls.name}' objects doesn't apply to a '${typeName(self)}' object`,
      );
    return method(self, { positional: rest, keywords: args.keywords }, ctx, runtime);
  });
}

/** The methods and attributes builtinMethod knows for a value (for "Did you mean"). */
export function builtinAttributeNames(object: PyValue): string[] {
  const names = Object.keys(METHODS[object.kind] ?? {});
  if (object.kind === 'int' || object.kind === 'bool')
    names.push('real', 'imag', 'numerator', 'denominator');
  if (object.kind === 'float') names.push('real', 'imag');
  if (object.kind === 'range' || object.kind === 'slice') names.push('start', 'stop', 'step');
  return names;
}

const items = (v: PyValue, ctx: CallContext): PyValue[] => [...ctx.iterate(v)];

function indexOfValue(list: PyValue[], value: PyValue, ctx: CallContext, what: string): number {
  const k = list.findIndex((x) => itemEquals(x, value));
  if (k < 0)
    ctx.raise(
      'ValueError',
      what === 'list' ? `${pyRepr(value, 100)} is not in list` : 'tuple.index(x): x not in tuple',
    );
  return k;
}

const LIST: Record<string, Method> = {
  append(self, args, ctx, runtime) {
    noKeywords('append', args, ctx);
    if (self.kind !== 'list') return NONE;
    self.items.push(args.positional[0] ?? NONE);
    if ((self.items.length & 1023) === 0) runtime.budget.checkItems(self.items.length, 'list');
    return NONE;
  },
  extend(self, args, ctx, runtime) {
    if (self.kind !== 'list') return NONE;
    const more = items(args.positional[0] ?? NONE, ctx);
    runtime.budget.checkItems(self.items.length + more.length, 'list');
    self.items.push(...more);
    return NONE;
  },
  insert(self, args, ctx) {
    if (self.kind !== 'list') return NONE;
    const [at, value] = args.positional;
    let k = Number(asBigInt(at ?? NONE, 'index', ctx));
    if (k < 0) k = Math.max(0, self.items.length + k);
    self.items.splice(Math.min(k, self.items.length), 0, value ?? NONE);
    return NONE;
  },
  pop(self, args, ctx) {
    if (self.kind !== 'list') return NONE;
    if (self.items.length === 0) return ctx.raise('IndexError', 'pop from empty list');
    const at = args.positional[0];
    let k = at === undefined ? self.items.length - 1 : Number(asBigInt(at, 'index', ctx));
    if (k < 0) k += self.items.length;
    if (k < 0 || k >= self.items.length) return ctx.raise('IndexError', 'pop index out of range');
    return self.items.splice(k, 1)[0];
  },
  remove(self, args, ctx) {
    if (self.kind !== 'list') return NONE;
    const k = self.items.findIndex((x) => itemEquals(x, args.positional[0] ?? NONE));
    if (k < 0) return ctx.raise('ValueError', 'list.remove(x): x not in list');
    self.items.splice(k, 1);
    return NONE;
  },
  clear(self) {
    if (self.kind === 'list') self.items.length = 0;
    return NONE;
  },
  copy(self) {
    return self.kind === 'list' ? { kind: 'list', items: [...self.items] } : NONE;
  },
  reverse(self) {
    if (self.kind === 'list') self.items.reverse();
    return NONE;
  },
  sort(self, args, ctx, runtime) {
    if (self.kind !== 'list') return NONE;
    const [key, reverse] = bindArgs('sort', args, ['key', 'reverse'], 0, ctx);
    const sorted = sortValues(self.items, key, reverse, runtime, ctx);
    self.items.splice(0, self.items.length, ...sorted);
    return NONE;
  },
  index(self, args, ctx) {
    if (self.kind !== 'list' && self.kind !== 'tuple') return NONE;
    const [value, startValue, endValue] = args.positional;
    const [start, end] = window(startValue, endValue, self.items.length, ctx);
    const k = indexOfValue(self.items.slice(start, end), value ?? NONE, ctx, self.kind);
    return pyInt(start + k);
  },
  count(self, args) {
    if (self.kind !== 'list' && self.kind !== 'tuple') return NONE;
    const v = args.positional[0] ?? NONE;
    return pyInt(self.items.filter((x) => itemEquals(x, v)).length);
  },
};

const TUPLE: Record<string, Method> = { index: LIST.index, count: LIST.count };

const DICT: Record<string, Method> = {
  get(self, args, ctx) {
    if (self.kind !== 'dict') return NONE;
    const [key, fallback] = args.positional;
    const k = hashKey(key ?? NONE);
    if (k === undefined)
      return ctx.raise('TypeError', `unhashable type: '${typeName(key ?? NONE)}'`);
    return self.entries.get(k)?.value ?? fallback ?? NONE;
  },
  keys(self) {
    return self.kind === 'dict'
      ? { kind: 'list', items: [...self.entries.values()].map((e) => e.key) }
      : NONE;
  },
  values(self) {
    return self.kind === 'dict'
      ? { kind: 'list', items: [...self.entries.values()].map((e) => e.value) }
      : NONE;
  },
  items(self) {
    if (self.kind !== 'dict') return NONE;
    return {
      kind: 'list',
      items: [...self.entries.values()].map((e) => ({ kind: 'tuple', items: [e.key, e.value] })),
    };
  },
  setdefault(self, args, ctx, runtime) {
    if (self.kind !== 'dict') return NONE;
    const [key, fallback] = args.positional;
    const k = hashKey(key ?? NONE);
    if (k === undefined) return ctx.raise('TypeError', 'unhashable type');
    const existing = self.entries.get(k);
    if (existing) return existing.value;
    runtime.dictSet(self, key ?? NONE, fallback ?? NONE);
    return fallback ?? NONE;
  },
  update(self, args, ctx, runtime) {
    if (self.kind !== 'dict') return NONE;
    const [other] = args.positional;
    if (other?.kind === 'dict') for (const [k, e] of other.entries) self.entries.set(k, e);
    else if (other !== undefined) {
      for (const pair of items(other, ctx)) {
        const kv = items(pair, ctx);
        runtime.dictSet(self, kv[0] ?? NONE, kv[1] ?? NONE);
      }
    }
    for (const [k, v] of args.keywords) runtime.dictSet(self, pyStr(k), v);
    return NONE;
  },
  pop(self, args, ctx) {
    if (self.kind !== 'dict') return NONE;
    const [key, fallback] = args.positional;
    const k = hashKey(key ?? NONE);
    const found = k === undefined ? undefined : self.entries.get(k);
    if (found && k !== undefined) {
      self.entries.delete(k);
      return found.value;
    }
    if (fallback !== undefined) return fallback;
    return ctx.raise('KeyError', pyRepr(key ?? NONE, 100), [key ?? NONE]);
  },
  popitem(self, _args, ctx) {
    if (self.kind !== 'dict') return NONE;
    const last = [...self.entries].pop();
    if (last === undefined)
      return ctx.raise('KeyError', "'popitem(): dictionary is empty'", [
        pyStr('popitem(): dictionary is empty'),
      ]);
    self.entries.delete(last[0]);
    return { kind: 'tuple', items: [last[1].key, last[1].value] };
  },
  copy(self) {
    return self.kind === 'dict' ? { kind: 'dict', entries: new Map(self.entries) } : NONE;
  },
  clear(self) {
    if (self.kind === 'dict') self.entries.clear();
    return NONE;
  },
};

/** The other arguments of a set method, each as a set of keys. */
function keySets(args: CallArgs, ctx: CallContext, runtime: Runtime): Set<string>[] {
  return args.positional.map((v) => new Set(runtime.makeSet(items(v, ctx), true).entries.keys()));
}

/** A new set (frozen as `self` is) of the entries of `self` that `keep` accepts. */
function filtered(self: PySet, keep: (key: string) => boolean): PySet {
  return {
    kind: 'set',
    entries: new Map([...self.entries].filter(([k]) => keep(k))),
    frozen: self.frozen,
  };
}

const SET: Record<string, Method> = {
  add(self, args, ctx, runtime) {
    if (self.kind !== 'set') return NONE;
    const v = args.positional[0] ?? NONE;
    const k = hashKey(v);
    if (k === undefined) return ctx.raise('TypeError', `unhashable type: '${typeName(v)}'`);
    if (!self.entries.has(k)) self.entries.set(k, v);
    if ((self.entries.size & 1023) === 0) runtime.budget.checkItems(self.entries.size, 'set');
    return NONE;
  },
  update(self, args, ctx, runtime) {
    if (self.kind !== 'set') return NONE;
    for (const source of args.positional) {
      for (const v of ctx.iterate(source))
        SET.add(self, { positional: [v], keywords: new Map() }, ctx, runtime);
    }
    return NONE;
  },
  discard(self, args) {
    if (self.kind !== 'set') return NONE;
    const k = hashKey(args.positional[0] ?? NONE);
    if (k !== undefined) self.entries.delete(k);
    return NONE;
  },
  remove(self, args, ctx) {
    if (self.kind !== 'set') return NONE;
    const v = args.positional[0] ?? NONE;
    const k = hashKey(v);
    if (k === undefined || !self.entries.delete(k)) ctx.raise('KeyError', pyRepr(v, 100), [v]);
    return NONE;
  },
  pop(self, _args, ctx) {
    if (self.kind !== 'set') return NONE;
    const first = [...self.entries].shift();
    if (first === undefined)
      return ctx.raise('KeyError', "'pop from an empty set'", [pyStr('pop from an empty set')]);
    self.entries.delete(first[0]);
    return first[1];
  },
  clear(self) {
    if (self.kind === 'set') self.entries.clear();
    return NONE;
  },
  union(self, args, ctx, runtime) {
    if (self.kind !== 'set') return NONE;
    const all = [...self.entries.values()];
    for (const s of args.positional) all.push(...items(s, ctx));
    return runtime.makeSet(all, self.frozen);
  },
  intersection(self, args, ctx, runtime) {
    if (self.kind !== 'set') return NONE;
    const others = keySets(args, ctx, runtime);
    return filtered(self, (k) => others.every((o) => o.has(k)));
  },
  difference(self, args, ctx, runtime) {
    if (self.kind !== 'set') return NONE;
    const others = keySets(args, ctx, runtime);
    return filtered(self, (k) => !others.some((o) => o.has(k)));
  },
  symmetric_difference(self, args, ctx, runtime) {
    if (self.kind !== 'set') return NONE;
    const other = runtime.makeSet(items(args.positional[0] ?? NONE, ctx), self.frozen);
    const out = filtered(self, (k) => !other.entries.has(k));
    for (const [k, v] of other.entries) if (!self.entries.has(k)) out.entries.set(k, v);
    return out;
  },
  issubset(self, args, ctx, runtime) {
    if (self.kind !== 'set') return NONE;
    const [other] = keySets(args, ctx, runtime);
    return pyBool([...self.entries.keys()].every((k) => other?.has(k)));
  },
  issuperset(self, args, ctx, runtime) {
    if (self.kind !== 'set') return NONE;
    const [other] = keySets(args, ctx, runtime);
    return pyBool([...(other ?? [])].every((k) => self.entries.has(k)));
  },
  isdisjoint(self, args, ctx, runtime) {
    if (self.kind !== 'set') return NONE;
    const [other] = keySets(args, ctx, runtime);
    return pyBool(![...self.entries.keys()].some((k) => other?.has(k)));
  },
  copy(self) {
    return self.kind === 'set'
      ? { kind: 'set', entries: new Map(self.entries), frozen: self.frozen }
      : NONE;
  },
};

const INT: Record<string, Method> = {
  conjugate: (self) =>
    pyInt(self.kind === 'int' || self.kind === 'bool' ? (intValue(self) ?? 0n) : 0n),
  as_integer_ratio: (self) => ({
    kind: 'tuple',
    items: [
      pyInt(self.kind === 'int' || self.kind === 'bool' ? (intValue(self) ?? 0n) : 0n),
      pyInt(1n),
    ],
  }),
  bit_length(self) {
    const v = self.kind === 'int' || self.kind === 'bool' ? (intValue(self) ?? 0n) : 0n;
    const a = v < 0n ? -v : v;
    return pyInt(a === 0n ? 0 : a.toString(2).length);
  },
  is_integer: () => pyBool(true),
};

const FLOAT: Record<string, Method> = {
  conjugate: (self) => self,
  as_integer_ratio(self, _args, ctx) {
    const x = self.kind === 'float' ? self.value : 0;
    if (Number.isNaN(x)) return ctx.raise('ValueError', 'cannot convert NaN to integer ratio');
    if (!Number.isFinite(x))
      return ctx.raise('OverflowError', 'cannot convert Infinity to integer ratio');
    if (x === 0) return { kind: 'tuple', items: [pyInt(0n), pyInt(1n)] };
    let { mantissa, exponent } = exactBinary(x);
    while (exponent < 0 && mantissa % 2n === 0n) {
      mantissa /= 2n;
      exponent += 1;
    }
    const [num, den] =
      exponent >= 0 ? [mantissa << BigInt(exponent), 1n] : [mantissa, 1n << BigInt(-exponent)];
    return { kind: 'tuple', items: [pyInt(num), pyInt(den)] };
  },
  is_integer: (self) => pyBool(self.kind === 'float' && Number.isInteger(self.value)),
  hex: (self) => pyStr(self.kind === 'float' ? self.value.toString(16) : ''),
  __abs__: (self) => (self.kind === 'float' ? pyFloat(Math.abs(self.value)) : self),
};

const RANGE: Record<string, Method> = {
  index(self, args, ctx, runtime) {
    for (const [k, v] of [...ctx.iterate(self)].entries())
      if (itemEquals(v, args.positional[0] ?? NONE)) return pyInt(k);
    return runtime.raise('ValueError', 'value is not in range');
  },
};

const METHODS: Partial<Record<PyValue['kind'], Record<string, Method>>> = {
  list: LIST,
  tuple: TUPLE,
  dict: DICT,
  set: SET,
  str: STR_METHODS,
  int: INT,
  bool: INT,
  float: FLOAT,
  range: RANGE,
};
