/**
 * Python's builtins as real mask files use them: len range enumerate zip min max abs sum any all
 * sorted reversed int float bool str list tuple dict set isinstance callable print and friends,
 * plus the builtin exception classes. `eval`, `exec`, `open`, `__import__`, `globals` and the like
 * do not exist here: a program that names them gets Python's NameError.
 *
 * This module builds the builtins namespace and defines the functions on objects, numbers and
 * attributes (len, abs, isinstance, print, round, pow, getattr, super, ...); the classes are in
 * builtinTypes.ts and the iteration functions in builtinIteration.ts, added here in the order
 * Python lists them.
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
import { formatValue } from './format';
import {
  NONE,
  native,
  pyBool,
  pyFloat,
  pyInt,
  pyStr,
  type NativeCall,
  type PyClass,
  type PyValue,
} from './values';
import { defineBuiltinTypes, tracedScalarMessage } from './builtinTypes';
import { defineIterationBuiltins } from './builtinIteration';

export function makeBuiltins(runtime: Runtime): { builtins: Map<string, PyValue> } {
  const b = new Map<string, PyValue>();
  const interp = () => runtime.interp;
  const ops = () => runtime.interp.ops;
  const def = (name: string, call: NativeCall): void => {
    b.set(name, native(name, call));
  };
  defineBuiltinTypes(b, runtime);

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
  defineIterationBuiltins(def, runtime);
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
