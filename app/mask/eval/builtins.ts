/**
 * Python's builtins as real mask files use them: len range enumerate zip min max abs sum any all
 * sorted reversed int float bool str list tuple dict set isinstance callable print and friends,
 * plus the builtin exception classes. `eval`, `exec`, `open`, `__import__`, `globals` and the like
 * do not exist here: a program that names them gets Python's NameError.
 */
import { asBigInt, asNumber, bindArgs, noKeywords } from './args';
import {
  floatToInt,
  floorMod,
  intValue,
  isNumber,
  roundFloat,
  roundHalfEven,
  toFloat,
} from './numbers';
import { hashKey, identityOf, typeName } from './objects';
import type { Runtime } from './runtime';
import { tensorItem } from './torchConcrete';
import { formatValue } from './format';
import {
  NONE,
  native,
  pyBool,
  pyFloat,
  pyInt,
  pyStr,
  type CallArgs,
  type CallContext,
  type NativeCall,
  type PyClass,
  type PyValue,
} from './values';

/** The exception classes, each after its base (the order builds the hierarchy). */
const EXCEPTIONS: [string, string | null][] = [
  ['BaseException', null],
  ['Exception', 'BaseException'],
  ['ArithmeticError', 'Exception'],
  ['ZeroDivisionError', 'ArithmeticError'],
  ['OverflowError', 'ArithmeticError'],
  ['AssertionError', 'Exception'],
  ['AttributeError', 'Exception'],
  ['ImportError', 'Exception'],
  ['ModuleNotFoundError', 'ImportError'],
  ['LookupError', 'Exception'],
  ['IndexError', 'LookupError'],
  ['KeyError', 'LookupError'],
  ['NameError', 'Exception'],
  ['UnboundLocalError', 'NameError'],
  ['RuntimeError', 'Exception'],
  ['NotImplementedError', 'RuntimeError'],
  ['RecursionError', 'RuntimeError'],
  ['StopIteration', 'Exception'],
  ['SyntaxError', 'Exception'],
  ['TypeError', 'Exception'],
  ['ValueError', 'Exception'],
  ['UserWarning', 'Exception'],
];
export const EXCEPTION_NAMES = EXCEPTIONS.map(([name]) => name);

function typeClass(name: string, kinds: PyValue['kind'][], construct: NativeCall): PyClass {
  return { kind: 'class', name, bases: [], attrs: new Map(), construct, instanceKinds: kinds };
}

export function makeBuiltins(runtime: Runtime): { builtins: Map<string, PyValue> } {
  const b = new Map<string, PyValue>();
  const interp = () => runtime.interp;
  const ops = () => runtime.interp.ops;
  const def = (name: string, call: NativeCall): void => {
    b.set(name, native(name, call));
  };
  const items = (v: PyValue, ctx: CallContext): PyValue[] => [...ctx.iterate(v)];

  for (const [name, base] of EXCEPTIONS) {
    const baseClass = base ? b.get(base) : undefined;
    b.set(name, {
      kind: 'class',
      name,
      bases: baseClass?.kind === 'class' ? [baseClass] : [],
      attrs: new Map(),
    });
  }

  // ---- types -----------------------------------------------------------------------------------

  const intClass = typeClass('int', ['int', 'bool'], (args, ctx) => {
    const [x, base] = bindArgs('int', args, ['x', 'base'], 0, ctx);
    if (x === undefined) return pyInt(0n);
    if (x.kind === 'str') {
      const given = base ? Number(asBigInt(base, 'base', ctx)) : 10;
      if (given !== 0 && (given < 2 || given > 36))
        ctx.raise('ValueError', 'int() base must be >= 2 and <= 36, or 0');
      const value = parseIntText(x.value, given);
      if (value === undefined)
        ctx.raise(
          'ValueError',
          `invalid literal for int() with base ${given}: ${ops().repr(x).slice(0, 200)}`,
        );
      return pyInt(value ?? 0n);
    }
    if (x.kind === 'float') return pyInt(floatToInt(x.value));
    if (x.kind === 'int' || x.kind === 'bool') return pyInt(intValue(x) ?? 0n);
    if (x.kind === 'tensor')
      return b.get('int') ? callClass(intClass, [tensorItem(x.array, ctx)], ctx) : NONE;
    if (x.kind === 'sym' || x.kind === 'symtable')
      return ctx.raise('RuntimeError', tracedScalarMessage('int'));
    return ctx.raise(
      'TypeError',
      `int() argument must be a string, a bytes-like object or a real number, not '${typeName(x)}'`,
    );
  });
  const floatClass = typeClass('float', ['float'], (args, ctx) => {
    const [x] = bindArgs('float', args, ['x'], 0, ctx);
    if (x === undefined) return pyFloat(0);
    if (x.kind === 'str') {
      const t = x.value.trim().toLowerCase();
      const special = /^([+-]?)(inf|infinity|nan)$/.exec(t);
      if (special) {
        const v = special[2] === 'nan' ? NaN : Infinity;
        return pyFloat(special[1] === '-' ? -v : v);
      }
      // Python's float syntax (no hex, no `0b`), with underscores between digits.
      const valid =
        /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:e[+-]?\d(?:_?\d)*)?$/;
      const v = Number(t.replace(/_/g, ''));
      if (!valid.test(t) || Number.isNaN(v))
        ctx.raise(
          'ValueError',
          `could not convert string to float: ${ops().repr(x).slice(0, 200)}`,
        );
      return pyFloat(v);
    }
    if (isNumber(x)) return pyFloat(toFloat(x));
    if (x.kind === 'tensor') return callClass(floatClass, [tensorItem(x.array, ctx)], ctx);
    if (x.kind === 'sym' || x.kind === 'symtable')
      return ctx.raise('RuntimeError', tracedScalarMessage('float'));
    return ctx.raise(
      'TypeError',
      `float() argument must be a string or a real number, not '${typeName(x)}'`,
    );
  });
  const boolClass = typeClass('bool', ['bool'], (args, ctx) => {
    const [x] = bindArgs('bool', args, ['x'], 0, ctx);
    return pyBool(x === undefined ? false : interp().truth(x, ctx.span));
  });
  boolClass.bases = [intClass];
  const strClass = typeClass('str', ['str'], (args, ctx) => {
    const [x] = bindArgs('str', args, ['object'], 0, ctx);
    return pyStr(x === undefined ? '' : ops().str(x));
  });
  const listClass = typeClass('list', ['list'], (args, ctx) => {
    const [x] = bindArgs('list', args, ['iterable'], 0, ctx);
    return { kind: 'list', items: x === undefined ? [] : items(x, ctx) };
  });
  const tupleClass = typeClass('tuple', ['tuple'], (args, ctx) => {
    const [x] = bindArgs('tuple', args, ['iterable'], 0, ctx);
    return { kind: 'tuple', items: x === undefined ? [] : items(x, ctx) };
  });
  const dictClass = typeClass('dict', ['dict'], (args, ctx) => {
    const dict: PyValue = { kind: 'dict', entries: new Map() };
    if (args.positional.length > 1)
      ctx.raise('TypeError', `dict expected at most 1 argument, got ${args.positional.length}`);
    const [source] = args.positional;
    if (source?.kind === 'dict') for (const [k, e] of source.entries) dict.entries.set(k, e);
    else if (source !== undefined) {
      for (const pair of items(source, ctx)) {
        const kv = items(pair, ctx);
        if (kv.length !== 2)
          ctx.raise(
            'ValueError',
            `dictionary update sequence element has length ${kv.length}; 2 is required`,
          );
        runtime.dictSet(dict, kv[0], kv[1]);
      }
    }
    for (const [k, v] of args.keywords) runtime.dictSet(dict, pyStr(k), v);
    return dict;
  });
  dictClass.attrs.set(
    'fromkeys',
    native('fromkeys', (args, ctx) => {
      const [keys, value] = bindArgs('fromkeys', args, ['iterable', 'value'], 1, ctx);
      const dict: PyValue = { kind: 'dict', entries: new Map() };
      for (const key of items(keys ?? NONE, ctx)) runtime.dictSet(dict, key, value ?? NONE);
      return dict;
    }),
  );
  const setClass = typeClass('set', ['set'], (args, ctx) => {
    const [x] = bindArgs('set', args, ['iterable'], 0, ctx);
    return runtime.makeSet(x === undefined ? [] : items(x, ctx), false);
  });
  const frozensetClass = typeClass('frozenset', ['set'], (args, ctx) => {
    const [x] = bindArgs('frozenset', args, ['iterable'], 0, ctx);
    return runtime.makeSet(x === undefined ? [] : items(x, ctx), true);
  });
  const rangeClass = typeClass('range', ['range'], (args, ctx) => {
    noKeywords('range', args, ctx);
    const ints = args.positional.map((v) => asBigInt(v, "'range' argument", ctx));
    if (ints.length === 0 || ints.length > 3)
      ctx.raise('TypeError', `range expected 1 to 3 arguments, got ${ints.length}`);
    const [start, stop, step] =
      ints.length === 1 ? [0n, ints[0], 1n] : [ints[0], ints[1], ints[2] ?? 1n];
    if (step === 0n) ctx.raise('ValueError', 'range() arg 3 must not be zero');
    return { kind: 'range', start, stop, step };
  });
  const sliceClass = typeClass('slice', ['slice'], (args, ctx) => {
    noKeywords('slice', args, ctx);
    const p = args.positional;
    if (p.length === 1) return { kind: 'slice', start: NONE, stop: p[0], step: NONE };
    return { kind: 'slice', start: p[0] ?? NONE, stop: p[1] ?? NONE, step: p[2] ?? NONE };
  });
  const objectClass = typeClass('object', [], () => ({
    kind: 'instance',
    cls: objectClass,
    attrs: new Map(),
  }));
  const typeClassValue = typeClass('type', ['class'], (args, ctx) => {
    const [x] = bindArgs('type', args, ['object'], 1, ctx);
    if (x === undefined) return NONE;
    const classes: Record<string, PyClass> = {
      int: intClass,
      float: floatClass,
      bool: boolClass,
      str: strClass,
      list: listClass,
      tuple: tupleClass,
      dict: dictClass,
      set: setClass,
      range: rangeClass,
    };
    if (x.kind === 'instance') return x.cls;
    if (x.kind === 'exception') return x.cls;
    if (x.kind === 'set' && x.frozen) return frozensetClass;
    return classes[x.kind] ?? otherType(x);
  });
  /** type() of the other values: one class per type name, so `type(a) is type(b)` holds. */
  const otherTypes = new Map<string, PyClass>();
  const otherType = (x: PyValue): PyClass => {
    const name = typeName(x);
    let cls = otherTypes.get(name);
    if (cls === undefined) {
      cls = { kind: 'class', name, bases: [], attrs: new Map(), instanceKinds: [x.kind] };
      otherTypes.set(name, cls);
    }
    return cls;
  };
  for (const cls of [
    intClass,
    floatClass,
    boolClass,
    strClass,
    listClass,
    tupleClass,
    dictClass,
    setClass,
    frozensetClass,
    rangeClass,
    sliceClass,
    objectClass,
    typeClassValue,
  ]) {
    b.set(cls.name, cls);
  }

  function callClass(cls: PyClass, positional: PyValue[], ctx: CallContext): PyValue {
    return cls.construct ? cls.construct({ positional, keywords: new Map() }, ctx) : NONE;
  }

  // ---- functions -------------------------------------------------------------------------------

  def('len', (args, ctx) => {
    noKeywords('len', args, ctx);
    if (args.positional.length !== 1)
      ctx.raise('TypeError', `len() takes exactly one argument (${args.positional.length} given)`);
    return pyInt(ops().length(args.positional[0]));
  });
  def('abs', (args, ctx) => {
    noKeywords('abs', args, ctx);
    const [x] = args.positional;
    if (x === undefined)
      return ctx.raise('TypeError', 'abs() takes exactly one argument (0 given)');
    if (x.kind === 'sym') return runtime.tracer.math('abs', [x], ctx.span, 'abs');
    if (x.kind === 'tensor') return runtime.torchCall('abs', args, ctx);
    if (!isNumber(x)) return ctx.raise('TypeError', `bad operand type for abs(): '${typeName(x)}'`);
    const i = intValue(x);
    return i !== undefined ? pyInt(i < 0n ? -i : i) : pyFloat(Math.abs(toFloat(x)));
  });
  const minMax =
    (name: 'min' | 'max') =>
    (args: CallArgs, ctx: CallContext): PyValue => {
      const key = args.keywords.get('key');
      const fallback = args.keywords.get('default');
      for (const k of args.keywords.keys())
        if (k !== 'key' && k !== 'default')
          ctx.raise('TypeError', `${name}() got an unexpected keyword argument '${k}'`);
      if (args.positional.length === 0)
        ctx.raise('TypeError', `${name} expected at least 1 argument, got 0`);
      if (args.positional.length > 1 && fallback !== undefined)
        ctx.raise(
          'TypeError',
          `Cannot specify a default for ${name}() with multiple positional arguments`,
        );
      const values =
        args.positional.length === 1 ? items(args.positional[0], ctx) : args.positional;
      if (values.length === 0) {
        if (fallback !== undefined) return fallback;
        return ctx.raise('ValueError', `${name}() arg is an empty sequence`);
      }
      if (values.some((v) => v.kind === 'sym') && key === undefined) {
        // PyTorch's vmap would refuse the comparison inside min(); flexmask traces it as torch.minimum.
        return values
          .slice(1)
          .reduce((acc, v) => runtime.tracer.math(name, [acc, v], ctx.span, name), values[0]);
      }
      let best = values[0];
      let bestKey = key ? ctx.call(key, [best]) : best;
      for (const v of values.slice(1)) {
        const k = key ? ctx.call(key, [v]) : v;
        const c = ops().order(k, bestKey, name === 'min' ? '<' : '>');
        if (name === 'min' ? c < 0 : c > 0) {
          best = v;
          bestKey = k;
        }
      }
      return best;
    };
  def('min', minMax('min'));
  def('max', minMax('max'));
  def('sum', (args, ctx) => {
    const [iterable, start] = bindArgs('sum', args, ['iterable', 'start'], 1, ctx);
    let total: PyValue = start ?? pyInt(0n);
    for (const v of items(iterable ?? NONE, ctx)) total = ops().binary('+', total, v, ctx.span);
    return total;
  });
  def('any', (args, ctx) => {
    noKeywords('any', args, ctx);
    for (const v of ctx.iterate(args.positional[0] ?? NONE))
      if (interp().truth(v, ctx.span)) return pyBool(true);
    return pyBool(false);
  });
  def('all', (args, ctx) => {
    noKeywords('all', args, ctx);
    for (const v of ctx.iterate(args.positional[0] ?? NONE))
      if (!interp().truth(v, ctx.span)) return pyBool(false);
    return pyBool(true);
  });
  def('range', (args, ctx) => callClass(rangeClass, args.positional, ctx));
  b.set('range', rangeClass);
  def('enumerate', (args, ctx) => {
    const [iterable, start] = bindArgs('enumerate', args, ['iterable', 'start'], 1, ctx);
    let k = start ? asBigInt(start, 'start', ctx) : 0n;
    const source = ctx.iterate(iterable ?? NONE)[Symbol.iterator]();
    return iteratorOf('enumerate', () => {
      const next = source.next();
      if (next.done) return undefined;
      const pair: PyValue = { kind: 'tuple', items: [pyInt(k), next.value] };
      k += 1n;
      return pair;
    });
  });
  def('zip', (args, ctx) => {
    const strict = args.keywords.get('strict');
    const sources = args.positional.map((v) => ctx.iterate(v)[Symbol.iterator]());
    return iteratorOf('zip', () => {
      if (sources.length === 0) return undefined;
      const row: PyValue[] = [];
      for (const s of sources) {
        const next = s.next();
        if (next.done) {
          if (strict && interp().truth(strict, ctx.span) && row.length > 0)
            ctx.raise('ValueError', 'zip() argument 2 is shorter than argument 1');
          return undefined;
        }
        row.push(next.value);
      }
      return { kind: 'tuple', items: row };
    });
  });
  def('map', (args, ctx) => {
    noKeywords('map', args, ctx);
    const [fn, ...iterables] = args.positional;
    const sources = iterables.map((v) => ctx.iterate(v)[Symbol.iterator]());
    return iteratorOf('map', () => {
      const row: PyValue[] = [];
      for (const s of sources) {
        const next = s.next();
        if (next.done) return undefined;
        row.push(next.value);
      }
      return ctx.call(fn ?? NONE, row);
    });
  });
  def('filter', (args, ctx) => {
    noKeywords('filter', args, ctx);
    const [fn, iterable] = args.positional;
    const source = ctx.iterate(iterable ?? NONE)[Symbol.iterator]();
    return iteratorOf('filter', () => {
      for (let next = source.next(); !next.done; next = source.next()) {
        const keep =
          fn === undefined || fn.kind === 'none' ? next.value : ctx.call(fn, [next.value]);
        if (interp().truth(keep, ctx.span)) return next.value;
      }
      return undefined;
    });
  });
  def('sorted', (args, ctx) => {
    const [iterable, key, reverse] = bindArgs(
      'sorted',
      { positional: args.positional.slice(0, 1), keywords: args.keywords },
      ['iterable', 'key', 'reverse'],
      1,
      ctx,
    );
    return {
      kind: 'list',
      items: sortValues(items(iterable ?? NONE, ctx), key, reverse, runtime, ctx),
    };
  });
  def('reversed', (args, ctx) => {
    noKeywords('reversed', args, ctx);
    const values = items(args.positional[0] ?? NONE, ctx).reverse();
    let k = 0;
    return iteratorOf('reversed', () => (k < values.length ? values[k++] : undefined));
  });
  def('iter', (args, ctx) => {
    const x = args.positional[0] ?? NONE;
    const source = ctx.iterate(x)[Symbol.iterator]();
    const names: Partial<Record<PyValue['kind'], string>> = {
      list: 'list_iterator',
      tuple: 'tuple_iterator',
      range: 'range_iterator',
      set: 'set_iterator',
      dict: 'dict_keyiterator',
    };
    if (x.kind === 'iterator') return x;
    return iteratorOf(names[x.kind] ?? 'iterator', () => {
      const next = source.next();
      return next.done ? undefined : next.value;
    });
  });
  def('next', (args, ctx) => {
    const [it, fallback] = args.positional;
    if (it?.kind !== 'iterator')
      return ctx.raise(
        'TypeError',
        `'${it ? typeName(it) : 'NoneType'}' object is not an iterator`,
      );
    const v = it.next();
    if (v !== undefined) return v;
    if (fallback !== undefined) return fallback;
    return ctx.raise('StopIteration', '');
  });
  def('isinstance', (args, ctx) => {
    noKeywords('isinstance', args, ctx);
    const [x, cls] = args.positional;
    if (x === undefined || cls === undefined)
      return ctx.raise(
        'TypeError',
        `isinstance expected 2 arguments, got ${args.positional.length}`,
      );
    return pyBool(isInstance(x, cls, runtime));
  });
  def('issubclass', (args, ctx) => {
    const [a, c] = args.positional;
    if (a?.kind !== 'class') return ctx.raise('TypeError', 'issubclass() arg 1 must be a class');
    for (let k: PyClass | undefined = a; k; k = k.bases[0]) if (k === c) return pyBool(true);
    return pyBool(false);
  });
  def('callable', (args, ctx) => {
    noKeywords('callable', args, ctx);
    return pyBool(isCallable(args.positional[0] ?? NONE));
  });
  def('print', (args, ctx) => {
    for (const k of args.keywords.keys())
      if (!['sep', 'end', 'file', 'flush'].includes(k))
        ctx.raise('TypeError', `'${k}' is an invalid keyword argument for print()`);
    const sep = args.keywords.get('sep');
    const end = args.keywords.get('end');
    const text = args.positional
      .map((v) => ops().str(v))
      .join(sep?.kind === 'str' ? sep.value : ' ');
    runtime.print(text, end?.kind === 'str' ? end.value : '\n');
    return NONE;
  });
  def('repr', (args, ctx) => {
    noKeywords('repr', args, ctx);
    return pyStr(ops().repr(args.positional[0] ?? NONE));
  });
  def('round', (args, ctx) => {
    const [x, digits] = bindArgs('round', args, ['number', 'ndigits'], 1, ctx);
    if (x === undefined) return NONE;
    if (x.kind === 'sym') return ctx.raise('RuntimeError', tracedScalarMessage('round'));
    if (x.kind === 'tensor') return runtime.torchCall('round', args, ctx);
    const v = asNumber(x, 'round() argument', ctx);
    if (digits === undefined || digits.kind === 'none') {
      if (x.kind !== 'float') return pyInt(intValue(x as never) ?? 0n);
      return pyInt(floatToInt(roundHalfEven(v)));
    }
    const n = asBigInt(digits, 'ndigits', ctx);
    if (x.kind === 'float') return pyFloat(roundFloat(v, Number(n)));
    const i = isNumber(x) ? (intValue(x) ?? 0n) : 0n;
    if (n >= 0n) return pyInt(i);
    // An int to a multiple of 10 ** -n, ties to even, as Python rounds ints.
    if (-n > BigInt(i.toString().length)) return pyInt(0n);
    const unit = 10n ** -n;
    const down = i - floorMod(i, unit);
    const twice = 2n * (i - down);
    return pyInt(
      twice > unit || (twice === unit && (down / unit) % 2n !== 0n) ? down + unit : down,
    );
  });
  def('divmod', (args, ctx) => {
    noKeywords('divmod', args, ctx);
    const [a, c] = args.positional;
    return {
      kind: 'tuple',
      items: [
        ops().binary('//', a ?? NONE, c ?? NONE, ctx.span),
        ops().binary('%', a ?? NONE, c ?? NONE, ctx.span),
      ],
    };
  });
  def('pow', (args, ctx) => {
    const [base, exp, mod] = bindArgs('pow', args, ['base', 'exp', 'mod'], 2, ctx);
    if (mod !== undefined && mod.kind !== 'none') {
      const m = asBigInt(mod, 'pow() 3rd argument', ctx);
      if (m === 0n) return ctx.raise('ValueError', 'pow() 3rd argument cannot be 0');
      let x = floorMod(asBigInt(base ?? NONE, 'pow() base', ctx), m);
      let e = asBigInt(exp ?? NONE, 'pow() exponent', ctx);
      if (e < 0n) {
        // A negative exponent raises the modular inverse (Python 3.8+).
        x =
          modularInverse(x, m < 0n ? -m : m) ??
          ctx.raise('ValueError', 'base is not invertible for the given modulus');
        e = -e;
      }
      let result = 1n;
      for (; e > 0n; e >>= 1n) {
        if (e & 1n) result = (result * x) % m;
        x = (x * x) % m;
      }
      return pyInt(floorMod(result, m));
    }
    return ops().binary('**', base ?? NONE, exp ?? NONE, ctx.span);
  });
  def('hash', (args, ctx) => {
    const key = hashKey(args.positional[0] ?? NONE);
    if (key === undefined)
      return ctx.raise('TypeError', `unhashable type: '${typeName(args.positional[0] ?? NONE)}'`);
    let h = 0;
    for (let k = 0; k < key.length; k += 1) h = (h * 31 + key.charCodeAt(k)) | 0;
    return pyInt(h);
  });
  def('id', (args) => pyInt(identityOf(args.positional[0] ?? NONE)));
  for (const [name, radix, prefix] of [
    ['bin', 2, '0b'],
    ['oct', 8, '0o'],
    ['hex', 16, '0x'],
  ] as const)
    def(name, (args, ctx) => {
      noKeywords(name, args, ctx);
      const i = asBigInt(args.positional[0] ?? NONE, `${name}() argument`, ctx);
      return pyStr(`${i < 0n ? '-' : ''}${prefix}${(i < 0n ? -i : i).toString(radix)}`);
    });
  def('chr', (args, ctx) =>
    pyStr(
      String.fromCodePoint(Number(asBigInt(args.positional[0] ?? NONE, 'chr() argument', ctx))),
    ),
  );
  def('ord', (args, ctx) => {
    const s = args.positional[0];
    if (s?.kind !== 'str' || [...s.value].length !== 1)
      return ctx.raise('TypeError', 'ord() expected a character');
    return pyInt(s.value.codePointAt(0) ?? 0);
  });
  def('format', (args, ctx) => {
    const [v, spec] = bindArgs('format', args, ['value', 'format_spec'], 1, ctx);
    return pyStr(formatValue(v ?? NONE, spec?.kind === 'str' ? spec.value : '', ops(), ctx));
  });
  def('getattr', (args, ctx) => {
    noKeywords('getattr', args, ctx);
    const [obj, name, fallback] = args.positional;
    if (name?.kind !== 'str') return ctx.raise('TypeError', 'attribute name must be string');
    try {
      return interp().getAttribute(obj ?? NONE, name.value, ctx.span);
    } catch (error) {
      if (fallback !== undefined && isAttributeError(error)) return fallback;
      throw error;
    }
  });
  // staticmethod, classmethod and property wrap a function; reading one through a class or an
  // instance unwraps it (Interpreter.classAttribute).
  for (const wrapper of ['staticmethod', 'classmethod', 'property'])
    def(wrapper, (args, ctx) => {
      const [fn] = args.positional;
      if (args.positional.length !== 1 || args.keywords.size > 0)
        ctx.raise('TypeError', `${wrapper} expected 1 argument, got ${args.positional.length}`);
      return { kind: 'opaque', name: wrapper, attrs: new Map([['__func__', fn ?? NONE]]) };
    });
  def('super', (args, ctx) => {
    noKeywords('super', args, ctx);
    const [cls, self] = args.positional;
    if (cls !== undefined && (cls.kind !== 'class' || self === undefined))
      ctx.raise('TypeError', 'super() takes a class and an object (or no arguments)');
    return interp().superProxy(cls?.kind === 'class' ? cls : undefined, self);
  });
  def('setattr', (args, ctx) => {
    noKeywords('setattr', args, ctx);
    const [obj, name, value] = args.positional;
    if (value === undefined)
      return ctx.raise('TypeError', `setattr expected 3 arguments, got ${args.positional.length}`);
    if (name?.kind !== 'str') return ctx.raise('TypeError', 'attribute name must be string');
    interp().setAttribute(obj ?? NONE, name.value, value, ctx.span);
    return NONE;
  });
  def('hasattr', (args, ctx) => {
    const [obj, name] = args.positional;
    if (name?.kind !== 'str') return ctx.raise('TypeError', 'attribute name must be string');
    try {
      interp().getAttribute(obj ?? NONE, name.value, ctx.span);
      return pyBool(true);
    } catch (error) {
      if (isAttributeError(error)) return pyBool(false);
      throw error;
    }
  });
  b.set('NotImplemented', { kind: 'opaque', name: 'NotImplemented' });
  b.set('Ellipsis', { kind: 'ellipsis' });
  return { builtins: b };

  function isAttributeError(error: unknown): boolean {
    return (
      typeof error === 'object' &&
      error !== null &&
      'exception' in error &&
      (error as { exception: { cls: PyClass } }).exception.cls.name === 'AttributeError'
    );
  }
}

/** The inverse of `a` modulo `m` (m > 0), or undefined when they share a factor. */
function modularInverse(a: bigint, m: bigint): bigint | undefined {
  let [r0, r1] = [floorMod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return r0 === 1n ? floorMod(s0, m) : undefined;
}

/** Python's int(text, base) for base 0 or 2..36, or undefined when the text is no such int. */
function parseIntText(text: string, base: number): bigint | undefined {
  const m = /^([+-]?)(?:0([xob])(?=_?[0-9a-z]))?(_?[0-9a-z]+(?:_[0-9a-z]+)*)$/.exec(
    text.trim().toLowerCase(),
  );
  if (!m || m[3].length > 1300) return undefined;
  const [, sign, prefix, body] = m;
  const prefixBase = prefix === 'x' ? 16 : prefix === 'o' ? 8 : prefix === 'b' ? 2 : 0;
  const stripped = prefix !== undefined && (base === 0 || base === prefixBase);
  const radix = stripped ? prefixBase : base === 0 ? 10 : base;
  const digits = stripped || prefix === undefined ? body : `0${prefix}${body}`;
  if (!stripped && digits.startsWith('_')) return undefined;
  // Base 0 reads the text as a literal, which refuses leading zeros (`010`).
  if (base === 0 && !stripped && /^0[0_]*[1-9]/.test(digits)) return undefined;
  let value = 0n;
  for (const ch of digits.replace(/_/g, '')) {
    const d = parseInt(ch, 36);
    if (d >= radix) return undefined;
    value = value * BigInt(radix) + BigInt(d);
  }
  return sign === '-' ? -value : value;
}

export function iteratorOf(name: string, next: () => PyValue | undefined): PyValue {
  return { kind: 'iterator', name, next };
}

function tracedScalarMessage(fn: string): string {
  return `${fn}() of a traced value needs its single value, which it has none of while mask_mod / score_mod are traced (PyTorch's vmap refuses .item() too); keep it a tensor and use torch operations`;
}

export function isCallable(v: PyValue): boolean {
  return (
    v.kind === 'function' ||
    v.kind === 'native' ||
    v.kind === 'method' ||
    v.kind === 'partial' ||
    v.kind === 'class' ||
    (v.kind === 'opaque' && v.call !== undefined)
  );
}

function isInstance(x: PyValue, cls: PyValue, runtime: Runtime): boolean {
  if (cls.kind === 'tuple') return cls.items.some((c) => isInstance(x, c, runtime));
  if (cls.kind === 'opaque') {
    // typing / collections.abc names used in isinstance: the common ones, by meaning.
    if (cls.name === 'Callable') return isCallable(x);
    if (cls.name === 'Sequence')
      return x.kind === 'list' || x.kind === 'tuple' || x.kind === 'str' || x.kind === 'range';
    if (cls.name === 'Iterable')
      return ['list', 'tuple', 'str', 'range', 'dict', 'set', 'iterator', 'tensor'].includes(
        x.kind,
      );
    if (cls.name === 'Mapping') return x.kind === 'dict';
    return false;
  }
  if (cls.kind !== 'class')
    return runtime.raise(
      'TypeError',
      'isinstance() arg 2 must be a type, a tuple of types, or a union',
    );
  if (x.kind === 'instance' || x.kind === 'exception') {
    for (let c: PyClass | undefined = x.cls; c; c = c.bases[0]) if (c === cls) return true;
    return false;
  }
  return cls.instanceKinds?.includes(x.kind) ?? false;
}

/** Python's sort: stable, by key, optionally reversed (still stable). */
export function sortValues(
  values: PyValue[],
  key: PyValue | undefined,
  reverse: PyValue | undefined,
  runtime: Runtime,
  ctx: CallContext,
): PyValue[] {
  const keyed = values.map((v, k) => ({
    v,
    k,
    key: key && key.kind !== 'none' ? ctx.call(key, [v]) : v,
  }));
  const descending = reverse !== undefined && runtime.interp.truth(reverse, ctx.span);
  keyed.sort((a, c) => {
    const order = runtime.interp.ops.order(a.key, c.key);
    if (Number.isNaN(order)) return 0;
    return (descending ? -order : order) || a.k - c.k;
  });
  return keyed.map((e) => e.v);
}
