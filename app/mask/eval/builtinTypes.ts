/**
 * The builtin classes: the exception hierarchy and the types a program calls or tests against
 * (int, float, bool, str, list, tuple, dict, set, frozenset, range, slice, object, type), each a
 * class whose constructor converts as Python's does (int('0x1f', 0), float('inf'), dict(pairs,
 * **kw), ...) and whose `instanceKinds` answer isinstance. They are apart from the builtin
 * functions because they are data the runtime also reads (exception classes, type()).
 */
import { asBigInt, bindArgs, noKeywords } from './args';
import { floatToInt, intValue, isNumber, toFloat } from './numbers';
import { typeName } from './objects';
import type { Runtime } from './runtime';
import { tensorItem } from './torchConcrete';
import {
  NONE,
  native,
  pyBool,
  pyFloat,
  pyInt,
  pyStr,
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

/** Adds the exception classes and the builtin types (int, str, list, ..., object, type) to `b`. */
export function defineBuiltinTypes(b: Map<string, PyValue>, runtime: Runtime): void {
  const interp = () => runtime.interp;
  const ops = () => runtime.interp.ops;
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

/** The message for int(), float() or round() of a traced value. */
export function tracedScalarMessage(fn: string): string {
  return `${fn}() of a traced value needs its single value, which it has none of while mask_mod / score_mod are traced (PyTorch's vmap refuses .item() too); keep it a tensor and use torch operations`;
}
