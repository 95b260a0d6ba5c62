/**
 * The modules written in TypeScript: torch (its tensor functions dispatch to the tracer when an
 * argument is traced, else to the concrete tensor library), torch.nn.functional,
 * torch.nn.attention.flex_attention (and_masks, or_masks, noop_mask), and the standard library
 * that mask files import: math, functools, itertools, operator, typing, collections(.abc),
 * dataclasses.
 */
import { asBigInt, asNumber, bindArgs } from './args';
import { iteratorOf } from './builtins';
import { floatToInt, isNumber, toFloat } from './numbers';
import { hashKey, pyRepr, typeName } from './objects';
import type { Runtime } from './runtime';
import { FUNCTIONAL_FUNCTIONS, TORCH_DTYPES, TORCH_FUNCTIONS } from './torchConcrete';
import { CONTROL_FLOW_MESSAGE, TraceError } from './traced';
import { callTraced, TRACED_FUNCTIONS } from './tracedMethods';
import {
  FALSE,
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
  type PyModule,
  type PyNative,
  type PyValue,
} from './values';

export const NATIVE_MODULE_NAMES = new Set([
  'torch',
  'torch.nn',
  'torch.nn.functional',
  'torch.nn.attention',
  'torch.nn.attention.flex_attention',
  'torch.cuda',
  'math',
  'functools',
  'itertools',
  'operator',
  'typing',
  'typing_extensions',
  'collections',
  'collections.abc',
  'dataclasses',
  'abc',
  '__future__',
  'warnings',
]);

function moduleOf(name: string, entries: [string, PyValue][]): PyModule {
  return { kind: 'module', name, attrs: new Map(entries) };
}

function fn(name: string, call: NativeCall): [string, PyNative] {
  return [name, native(name, call)];
}

function opaque(name: string): [string, PyValue] {
  return [name, { kind: 'opaque', name, call: (args) => args.positional[0] ?? NONE }];
}

export function nativeModule(name: string, runtime: Runtime): PyModule | undefined {
  switch (name) {
    case 'torch':
      return torchModule(runtime);
    case 'torch.nn':
      return moduleOf('torch.nn', [
        fn('Parameter', (args) => args.positional[0] ?? NONE),
        opaque('Module'),
      ]);
    case 'torch.nn.functional':
      return moduleOf(
        'torch.nn.functional',
        dispatchers(
          FUNCTIONAL_FUNCTIONS,
          ['gelu', 'relu', 'sigmoid', 'softplus', 'silu', 'tanh'],
          runtime,
          'torch.nn.functional',
        ),
      );
    case 'torch.nn.attention':
      return moduleOf('torch.nn.attention', []);
    case 'torch.nn.attention.flex_attention':
      return flexAttentionModule(runtime);
    case 'torch.cuda':
      return moduleOf('torch.cuda', [
        fn('is_available', () => FALSE),
        fn('device_count', () => pyInt(0)),
      ]);
    case 'math':
      return mathModule(runtime);
    case 'functools':
      return functoolsModule(runtime);
    case 'itertools':
      return itertoolsModule(runtime);
    case 'operator':
      return operatorModule(runtime);
    case 'typing':
    case 'typing_extensions':
      return moduleOf(name, [
        ...TYPING_NAMES.map(opaque),
        fn('cast', (args) => args.positional[1] ?? NONE),
        fn('TypeVar', (args) => ({
          kind: 'opaque',
          name: args.positional[0]?.kind === 'str' ? args.positional[0].value : 'TypeVar',
        })),
        ['TYPE_CHECKING', FALSE],
      ]);
    case 'collections.abc':
      return moduleOf(name, ABC_NAMES.map(opaque));
    case 'abc':
      return moduleOf(name, [opaque('ABC'), opaque('abstractmethod'), opaque('ABCMeta')]);
    case 'collections':
      return moduleOf(name, [
        ['OrderedDict', runtime.builtin('dict') ?? NONE],
        fn('namedtuple', (args, ctx) => namedTuple(args, ctx, runtime)),
      ]);
    case 'dataclasses':
      return dataclassesModule(runtime);
    case '__future__':
      return moduleOf(name, [['annotations', NONE]]);
    case 'warnings':
      return moduleOf(name, [
        fn('warn', (args, ctx) => {
          ctx.print(`Warning: ${args.positional[0] ? ctx.str(args.positional[0]) : ''}`);
          return NONE;
        }),
      ]);
    default:
      return undefined;
  }
}

const TYPING_NAMES = [
  'Any',
  'Callable',
  'Optional',
  'Union',
  'Tuple',
  'List',
  'Dict',
  'Set',
  'Sequence',
  'Iterable',
  'Iterator',
  'Mapping',
  'Literal',
  'Type',
  'Protocol',
  'NamedTuple',
  'Generic',
  'ClassVar',
  'Final',
  'final',
  'overload',
  'no_type_check',
  'TypeAlias',
  'Annotated',
  'Self',
  'FrozenSet',
];
const ABC_NAMES = [
  'Callable',
  'Sequence',
  'Iterable',
  'Iterator',
  'Mapping',
  'MutableMapping',
  'Hashable',
  'Sized',
  'Collection',
  'Generator',
  'MutableSequence',
  'Set',
];

// ---- torch -------------------------------------------------------------------------------------

function isTracedValue(v: PyValue): boolean {
  if (v.kind === 'sym' || v.kind === 'symtable') return true;
  if (v.kind === 'list' || v.kind === 'tuple') return v.items.some(isTracedValue);
  return false;
}

/** One native per name that sends traced arguments to the tracer and the rest to the library. */
function dispatchers(
  concrete: Record<string, NativeCall>,
  tracedNames: string[],
  runtime: Runtime,
  prefix: string,
): [string, PyValue][] {
  const names = new Set([
    ...Object.keys(concrete),
    ...tracedNames.filter((n) => TRACED_FUNCTIONS[n] !== undefined),
  ]);
  return [...names].map((name) =>
    fn(name, (args, ctx) => dispatch(name, args, ctx, runtime, concrete, prefix)),
  );
}

function dispatch(
  name: string,
  args: CallArgs,
  ctx: CallContext,
  runtime: Runtime,
  concrete: Record<string, NativeCall>,
  prefix: string,
): PyValue {
  const traced =
    args.positional.some(isTracedValue) || [...args.keywords.values()].some(isTracedValue);
  if (traced) {
    const result = callTraced(name, args, ctx, runtime);
    if (result !== undefined) return result;
    return runtime.raiseTrace(
      new TraceError(
        'NotImplementedError',
        `${prefix}.${name} on a traced value is not supported by flexmask (see the README's "What pastes" for the traced operations)`,
      ),
    );
  }
  const call = concrete[name];
  if (call === undefined)
    return runtime.raise('TypeError', `${prefix}.${name} needs a tensor argument`);
  return call(args, ctx);
}

function torchModule(runtime: Runtime): PyModule {
  const tracedOnly = Object.keys(TRACED_FUNCTIONS);
  const entries = dispatchers(TORCH_FUNCTIONS, tracedOnly, runtime, 'torch');
  for (const [name, dtype] of Object.entries(TORCH_DTYPES))
    entries.push([name, { kind: 'dtype', dtype }]);
  const tensorClass: PyClass = {
    kind: 'class',
    name: 'Tensor',
    bases: [],
    attrs: new Map(),
    instanceKinds: ['tensor', 'sym', 'symtable'],
    construct: (args, ctx) => dispatch('tensor', args, ctx, runtime, TORCH_FUNCTIONS, 'torch'),
  };
  entries.push(['Tensor', tensorClass]);
  for (const [typeName_, dtype] of [
    ['BoolTensor', 'bool'],
    ['IntTensor', 'int32'],
    ['LongTensor', 'int64'],
    ['FloatTensor', 'float32'],
    ['DoubleTensor', 'float64'],
  ] as const) {
    entries.push([
      typeName_,
      {
        kind: 'class',
        name: typeName_,
        bases: [tensorClass],
        attrs: new Map(),
        instanceKinds: [],
        construct: (args, ctx) =>
          dispatch(
            'tensor',
            {
              positional: args.positional,
              keywords: new Map([['dtype', { kind: 'dtype', dtype }]]),
            },
            ctx,
            runtime,
            TORCH_FUNCTIONS,
            'torch',
          ),
      },
    ]);
  }
  entries.push(
    fn('device', (args) => ({
      kind: 'device',
      name: args.positional[0]?.kind === 'str' ? args.positional[0].value.split(':')[0] : 'cpu',
    })),
    [
      'dtype',
      { kind: 'class', name: 'dtype', bases: [], attrs: new Map(), instanceKinds: ['dtype'] },
    ],
    fn('Size', (args, ctx) => ({
      kind: 'tuple',
      items: args.positional[0] ? [...ctx.iterate(args.positional[0])] : [],
    })),
    fn('is_tensor', (args) =>
      pyBool(['tensor', 'sym', 'symtable'].includes(args.positional[0]?.kind ?? '')),
    ),
    fn('get_default_dtype', () => ({ kind: 'dtype', dtype: 'float32' })),
    fn('manual_seed', () => NONE),
    fn('no_grad', () => contextManager('no_grad')),
    fn('inference_mode', () => contextManager('inference_mode')),
    fn('compile', (args) =>
      args.positional[0] && args.positional[0].kind !== 'none'
        ? args.positional[0]
        : native('compile', (inner) => inner.positional[0] ?? NONE),
    ),
    fn('vmap', () =>
      runtime.raise(
        'NotImplementedError',
        'torch.vmap is what flexmask does to mask_mod itself; call the mask function directly',
      ),
    ),
    fn('randn', () =>
      runtime.raise(
        'NotImplementedError',
        'random tensors are not supported in setup code (the result would differ from your run); build the tensor from torch.arange, torch.tensor or a formula',
      ),
    ),
    fn('rand', () =>
      runtime.raise(
        'NotImplementedError',
        'random tensors are not supported in setup code (the result would differ from your run); build the tensor from torch.arange, torch.tensor or a formula',
      ),
    ),
    fn('randint', () =>
      runtime.raise(
        'NotImplementedError',
        'random tensors are not supported in setup code (the result would differ from your run); build the tensor from torch.arange, torch.tensor or a formula',
      ),
    ),
    ['pi', pyFloat(Math.PI)],
    ['inf', pyFloat(Infinity)],
    ['nan', pyFloat(NaN)],
    ['e', pyFloat(Math.E)],
  );
  return moduleOf('torch', entries);
}

function contextManager(name: string): PyValue {
  return { kind: 'opaque', name, call: (args) => args.positional[0] ?? NONE };
}

// ---- flex_attention: and_masks, or_masks, noop_mask ------------------------------------------

function flexAttentionModule(runtime: Runtime): PyModule {
  const noop: PyNative = {
    kind: 'native',
    name: 'noop_mask',
    combine: { op: 'noop' },
    call: (args, ctx) => {
      if (args.positional.length !== 4)
        ctx.raise(
          'TypeError',
          `noop_mask() takes 4 positional arguments but ${args.positional.length} were given`,
        );
      return { kind: 'sym', ir: runtime.ir.constant('bool', 1, ctx.span) };
    },
  };
  const combiner =
    (op: 'and' | 'or') =>
    (args: CallArgs, ctx: CallContext): PyValue => {
      if (args.keywords.size > 0)
        ctx.raise('TypeError', `${op}_masks() takes no keyword arguments`);
      const members = args.positional;
      const bad = members.find((m) => !isCallableValue(m));
      if (bad !== undefined)
        ctx.raise(
          'RuntimeError',
          `All inputs should be callable mask_mods: ${pyRepr({ kind: 'tuple', items: members }, 200)}`,
        );
      const span = ctx.span;
      return {
        kind: 'native',
        name: `${op}_mask`,
        combine: { op, members },
        call: (inner, innerCtx) => {
          let result = runtime.ir.constant('bool', op === 'and' ? 1 : 0, span);
          for (const member of members) {
            const value = innerCtx.call(member, inner.positional, inner.keywords);
            const node =
              runtime.tracer.toIr(value, span) ??
              innerCtx.raise(
                'TypeError',
                `a mask_mod returned '${typeName(value)}', not a bool tensor`,
              );
            const bool = runtime.tracer.cast(node, 'bool', span);
            result = runtime.ir.make({
              op: 'binary',
              fn: op === 'and' ? 'land' : 'lor',
              type: 'bool',
              a: result,
              b: bool,
              span,
            });
          }
          return { kind: 'sym', ir: result };
        },
      };
    };
  const notHere = (what: string) => () =>
    runtime.raise(
      'NotImplementedError',
      `${what} is what flexmask's page runs for you: the setup code defines mask_mod (and score_mod), flexmask builds the BlockMask and runs attention`,
    );
  return moduleOf('torch.nn.attention.flex_attention', [
    ['noop_mask', noop],
    fn('and_masks', combiner('and')),
    fn('or_masks', combiner('or')),
    fn('create_block_mask', notHere('create_block_mask')),
    fn('flex_attention', notHere('flex_attention')),
    [
      'BlockMask',
      { kind: 'class', name: 'BlockMask', bases: [], attrs: new Map(), instanceKinds: [] },
    ],
    opaque('_mask_mod_signature'),
    opaque('_score_mod_signature'),
    opaque('AuxRequest'),
    opaque('AuxOutput'),
    ['_DEFAULT_SPARSE_BLOCK_SIZE', pyInt(128)],
  ]);
}

function isCallableValue(v: PyValue): boolean {
  return (
    ['function', 'native', 'method', 'partial', 'class'].includes(v.kind) ||
    (v.kind === 'opaque' && v.call !== undefined)
  );
}

// ---- math --------------------------------------------------------------------------------------

function mathModule(runtime: Runtime): PyModule {
  const unary = (
    name: string,
    f: (x: number) => number,
    check?: (x: number) => boolean,
  ): [string, PyNative] =>
    fn(name, (args, ctx) => {
      const x = asNumber(args.positional[0] ?? NONE, `${name}() argument`, ctx);
      if (check && !check(x)) ctx.raise('ValueError', 'math domain error');
      const r = f(x);
      if (!Number.isFinite(r) && Number.isFinite(x)) ctx.raise('OverflowError', 'math range error');
      return pyFloat(r);
    });
  const toInt = (name: string, f: (x: number) => number): [string, PyNative] =>
    fn(name, (args, ctx) => {
      const v = args.positional[0] ?? NONE;
      if (v.kind === 'int' || v.kind === 'bool') return pyInt(asBigInt(v, name, ctx));
      return pyInt(floatToInt(f(asNumber(v, `${name}() argument`, ctx))));
    });
  return moduleOf('math', [
    ['pi', pyFloat(Math.PI)],
    ['e', pyFloat(Math.E)],
    ['tau', pyFloat(2 * Math.PI)],
    ['inf', pyFloat(Infinity)],
    ['nan', pyFloat(NaN)],
    toInt('floor', Math.floor),
    toInt('ceil', Math.ceil),
    toInt('trunc', Math.trunc),
    unary('sqrt', Math.sqrt, (x) => x >= 0),
    unary('exp', Math.exp),
    unary('exp2', (x) => 2 ** x),
    unary('expm1', Math.expm1),
    unary('log2', Math.log2, (x) => x > 0),
    unary('log10', Math.log10, (x) => x > 0),
    unary('log1p', Math.log1p, (x) => x > -1),
    unary('sin', Math.sin),
    unary('cos', Math.cos),
    unary('tan', Math.tan),
    unary('tanh', Math.tanh),
    unary('sinh', Math.sinh),
    unary('cosh', Math.cosh),
    unary('asinh', Math.asinh),
    unary('acosh', Math.acosh, (x) => x >= 1),
    unary('atanh', Math.atanh, (x) => x > -1 && x < 1),
    unary('cbrt', Math.cbrt),
    unary('atan', Math.atan),
    unary('asin', Math.asin, (x) => x >= -1 && x <= 1),
    unary('acos', Math.acos, (x) => x >= -1 && x <= 1),
    unary('fabs', Math.abs),
    unary('erf', erf),
    unary('erfc', (x) => 1 - erf(x)),
    unary('radians', (x) => (x * Math.PI) / 180),
    unary('degrees', (x) => (x * 180) / Math.PI),
    fn('log', (args, ctx) => {
      const x = asNumber(args.positional[0] ?? NONE, 'log() argument', ctx);
      if (x <= 0) ctx.raise('ValueError', 'math domain error');
      const base = args.positional[1];
      return pyFloat(
        base ? Math.log(x) / Math.log(asNumber(base, 'log() base', ctx)) : Math.log(x),
      );
    }),
    fn('pow', (args, ctx) =>
      pyFloat(
        asNumber(args.positional[0] ?? NONE, 'pow()', ctx) **
          asNumber(args.positional[1] ?? NONE, 'pow()', ctx),
      ),
    ),
    fn('atan2', (args, ctx) =>
      pyFloat(
        Math.atan2(
          asNumber(args.positional[0] ?? NONE, 'atan2()', ctx),
          asNumber(args.positional[1] ?? NONE, 'atan2()', ctx),
        ),
      ),
    ),
    fn('copysign', (args, ctx) => {
      const x = Math.abs(asNumber(args.positional[0] ?? NONE, 'copysign()', ctx));
      const y = asNumber(args.positional[1] ?? NONE, 'copysign()', ctx);
      return pyFloat(y < 0 || Object.is(y, -0) ? -x : x);
    }),
    fn('isnan', (args, ctx) =>
      pyBool(Number.isNaN(asNumber(args.positional[0] ?? NONE, 'isnan()', ctx))),
    ),
    fn('isinf', (args, ctx) => {
      const x = asNumber(args.positional[0] ?? NONE, 'isinf()', ctx);
      return pyBool(!Number.isFinite(x) && !Number.isNaN(x));
    }),
    fn('isfinite', (args, ctx) =>
      pyBool(Number.isFinite(asNumber(args.positional[0] ?? NONE, 'isfinite()', ctx))),
    ),
    fn('isclose', (args, ctx) => {
      const [a, b, rel, abs] = bindArgs('isclose', args, ['a', 'b', 'rel_tol', 'abs_tol'], 2, ctx);
      const x = asNumber(a ?? NONE, 'isclose()', ctx);
      const y = asNumber(b ?? NONE, 'isclose()', ctx);
      const r = rel ? asNumber(rel, 'rel_tol', ctx) : 1e-9;
      const t = abs ? asNumber(abs, 'abs_tol', ctx) : 0;
      return pyBool(
        x === y || Math.abs(x - y) <= Math.max(r * Math.max(Math.abs(x), Math.abs(y)), t),
      );
    }),
    fn('gcd', (args, ctx) => {
      let g = 0n;
      for (const v of args.positional) {
        let a = asBigInt(v, 'gcd()', ctx);
        if (a < 0n) a = -a;
        let b = g;
        while (b !== 0n) [a, b] = [b, a % b];
        g = a;
      }
      return pyInt(g);
    }),
    fn('lcm', (args, ctx) => {
      let l = 1n;
      for (const v of args.positional) {
        const a = asBigInt(v, 'lcm()', ctx);
        if (a === 0n) return pyInt(0n);
        let x = l;
        let y = a < 0n ? -a : a;
        const product = x * y;
        while (y !== 0n) [x, y] = [y, x % y];
        l = product / x;
      }
      return pyInt(l);
    }),
    fn('isqrt', (args, ctx) => {
      const n = asBigInt(args.positional[0] ?? NONE, 'isqrt()', ctx);
      if (n < 0n) ctx.raise('ValueError', 'isqrt() argument must be nonnegative');
      let x = BigInt(Math.floor(Math.sqrt(Number(n))));
      while (x * x > n) x -= 1n;
      while ((x + 1n) * (x + 1n) <= n) x += 1n;
      return pyInt(x);
    }),
    fn('factorial', (args, ctx) => {
      const n = asBigInt(args.positional[0] ?? NONE, 'factorial()', ctx);
      if (n < 0n) ctx.raise('ValueError', 'factorial() not defined for negative values');
      if (n > 500n)
        ctx.raise('OverflowError', "factorial() argument is over flexmask's limit of 500");
      let r = 1n;
      for (let k = 2n; k <= n; k += 1n) r *= k;
      return pyInt(r);
    }),
    fn('perm', (args, ctx) => {
      const n = asBigInt(args.positional[0] ?? NONE, 'perm()', ctx);
      const k = args.positional[1] === undefined ? n : asBigInt(args.positional[1], 'perm()', ctx);
      if (n < 0n) ctx.raise('ValueError', 'n must be a non-negative integer');
      if (k < 0n) ctx.raise('ValueError', 'k must be a non-negative integer');
      if (k > n) return pyInt(0n);
      if (k > 1000n) ctx.raise('OverflowError', "perm() arguments are over flexmask's limit");
      let r = 1n;
      for (let i = n - k + 1n; i <= n; i += 1n) r *= i;
      return pyInt(r);
    }),
    fn('comb', (args, ctx) => {
      const n = asBigInt(args.positional[0] ?? NONE, 'comb()', ctx);
      const k = asBigInt(args.positional[1] ?? NONE, 'comb()', ctx);
      if (k < 0n || k > n) return pyInt(0n);
      if (k > 1000n && n - k > 1000n)
        ctx.raise('OverflowError', "comb() arguments are over flexmask's limit");
      const m = k < n - k ? k : n - k;
      let r = 1n;
      for (let i = 1n; i <= m; i += 1n) r = (r * (n - m + i)) / i;
      return pyInt(r);
    }),
    fn('prod', (args, ctx) => {
      let total: PyValue = args.keywords.get('start') ?? pyInt(1n);
      for (const v of ctx.iterate(args.positional[0] ?? NONE))
        total = runtime.interp.ops.binary('*', total, v, ctx.span);
      return total;
    }),
    fn('fsum', (args, ctx) => {
      // Shewchuk's exact partial sums, as CPython's fsum: the correctly rounded sum.
      const partials: number[] = [];
      for (const v of ctx.iterate(args.positional[0] ?? NONE)) {
        let x = asNumber(v, 'fsum()', ctx);
        let kept = 0;
        for (let y of partials) {
          if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
          const high = x + y;
          const low = y - (high - x);
          if (low !== 0) partials[kept++] = low;
          x = high;
        }
        partials.length = kept;
        partials.push(x);
      }
      let high = 0;
      let n = partials.length;
      if (n > 0) {
        high = partials[--n];
        let low = 0;
        while (n > 0) {
          const x = high;
          const y = partials[--n];
          high = x + y;
          low = y - (high - x);
          if (low !== 0) break;
        }
        // Round half to even across the remaining partials, as CPython does.
        if (n > 0 && ((low < 0 && partials[n - 1] < 0) || (low > 0 && partials[n - 1] > 0))) {
          const y = low * 2;
          const x = high + y;
          if (y === x - high) high = x;
        }
      }
      return pyFloat(high);
    }),
    fn('hypot', (args, ctx) =>
      pyFloat(Math.hypot(...args.positional.map((v) => asNumber(v, 'hypot()', ctx)))),
    ),
    fn('fmod', (args, ctx) => {
      const x = asNumber(args.positional[0] ?? NONE, 'fmod()', ctx);
      const y = asNumber(args.positional[1] ?? NONE, 'fmod()', ctx);
      if (y === 0 || !Number.isFinite(x)) ctx.raise('ValueError', 'math domain error');
      return pyFloat(x % y);
    }),
    fn('modf', (args, ctx) => {
      const x = asNumber(args.positional[0] ?? NONE, 'modf()', ctx);
      const whole = Number.isFinite(x) ? Math.trunc(x) : x;
      const fraction = Number.isFinite(x) ? x - whole : Math.sign(x) * 0;
      return {
        kind: 'tuple',
        items: [pyFloat(Object.is(fraction, 0) && x < 0 ? -0 : fraction), pyFloat(whole)],
      };
    }),
    fn('frexp', (args, ctx) => {
      const x = asNumber(args.positional[0] ?? NONE, 'frexp()', ctx);
      if (x === 0 || !Number.isFinite(x)) return { kind: 'tuple', items: [pyFloat(x), pyInt(0)] };
      let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
      let m = x * 2 ** -e;
      while (Math.abs(m) < 0.5) [m, e] = [m * 2, e - 1];
      while (Math.abs(m) >= 1) [m, e] = [m / 2, e + 1];
      return { kind: 'tuple', items: [pyFloat(m), pyInt(e)] };
    }),
  ]);
}

/** The error function to float64 accuracy (series near 0, continued fraction in the tails). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 2.5) {
    // Maclaurin series: erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)).
    let term = a;
    let sum = a;
    for (let n = 1; n < 80; n += 1) {
      term *= (-a * a) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  if (a > 6) return x < 0 ? -1 : 1;
  // erfc(a) by a continued fraction (Lentz), accurate for a >= 2.5.
  let f = a;
  let c = a;
  let d = 0;
  for (let n = 1; n < 200; n += 1) {
    const an = n / 2;
    d = a + an * d;
    d = d === 0 ? 1e-300 : 1 / d;
    c = a + an / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  return x < 0 ? erfc - 1 : 1 - erfc;
}

// ---- functools, itertools, operator ------------------------------------------------------------

function functoolsModule(runtime: Runtime): PyModule {
  const identityDecorator = (name: string): [string, PyNative] =>
    fn(name, (args) => {
      const first = args.positional[0];
      if (first && first.kind !== 'none' && first.kind !== 'int') return first;
      return native(name, (inner) => inner.positional[0] ?? NONE);
    });
  return moduleOf('functools', [
    fn('partial', (args, ctx) => {
      const [target, ...rest] = args.positional;
      if (target === undefined || !isCallableValue(target))
        ctx.raise('TypeError', 'the first argument must be callable');
      return { kind: 'partial', fn: target ?? NONE, args: rest, keywords: new Map(args.keywords) };
    }),
    fn('reduce', (args, ctx) => {
      const [f, iterable, initial] = args.positional;
      const items = [...ctx.iterate(iterable ?? NONE)];
      if (initial === undefined && items.length === 0)
        ctx.raise('TypeError', 'reduce() of empty iterable with no initial value');
      let acc = initial ?? items.shift() ?? NONE;
      for (const item of items) acc = ctx.call(f ?? NONE, [acc, item]);
      return acc;
    }),
    fn('lru_cache', (args, ctx) => {
      const first = args.positional[0] ?? args.keywords.get('maxsize') ?? pyInt(128);
      if (isCallableValue(first)) return cachedFunction(first, 128, runtime);
      const maxsize = first.kind === 'none' ? undefined : Number(asBigInt(first, 'maxsize', ctx));
      return native('lru_cache', (inner) =>
        cachedFunction(inner.positional[0] ?? NONE, maxsize, runtime),
      );
    }),
    fn('cache', (args) => cachedFunction(args.positional[0] ?? NONE, undefined, runtime)),
    identityDecorator('cached_property'),
    fn('wraps', (args) => {
      const wrapped = args.positional[0] ?? NONE;
      return native('wraps', (inner, ctx) => {
        const target = inner.positional[0] ?? NONE;
        if (target.kind === 'function' && wrapped.kind === 'function') {
          for (const attr of ['__name__', '__qualname__', '__doc__'])
            target.attrs.set(attr, runtime.interp.getAttribute(wrapped, attr, ctx.span));
        }
        return target;
      });
    }),
    fn('update_wrapper', (args) => args.positional[0] ?? NONE),
  ]);
  void runtime;
}

/** Separates the positional arguments from the keywords in a cache key (hashed by identity). */
const KEYWORD_MARK: PyValue = { kind: 'opaque', name: 'kwd_mark' };

/**
 * functools.lru_cache: a call with arguments equal to an earlier call's returns that call's result
 * (the `maxsize` most recent ones; all of them when maxsize is None).
 */
function cachedFunction(target: PyValue, maxsize: number | undefined, runtime: Runtime): PyValue {
  const memo = new Map<string, PyValue>();
  const wrapper = native(target.kind === 'function' ? target.name : 'lru_cache', (args, ctx) => {
    const keywords = [...args.keywords].flatMap(([k, v]) => [pyStr(k), v]);
    const items = [...args.positional, ...(keywords.length > 0 ? [KEYWORD_MARK, ...keywords] : [])];
    const key = hashKey({ kind: 'tuple', items });
    if (key === undefined) {
      const bad = items.find((v) => hashKey(v) === undefined) ?? NONE;
      return ctx.raise('TypeError', `unhashable type: '${typeName(bad)}'`);
    }
    const hit = memo.get(key);
    if (hit !== undefined) {
      memo.delete(key);
      memo.set(key, hit);
      return hit;
    }
    const result = ctx.call(target, args.positional, args.keywords);
    if (maxsize === undefined || maxsize > 0) memo.set(key, result);
    if (maxsize !== undefined && memo.size > maxsize) memo.delete(memo.keys().next().value ?? '');
    return result;
  });
  wrapper.attrs = new Map([
    fn('cache_clear', () => {
      memo.clear();
      return NONE;
    }),
  ]);
  if (target.kind === 'function')
    for (const attr of ['__name__', '__qualname__', '__doc__'])
      wrapper.attrs.set(attr, runtime.interp.getAttribute(target, attr, target.span));
  return wrapper;
}

function itertoolsModule(runtime: Runtime): PyModule {
  const lists = (args: CallArgs, ctx: CallContext): PyValue[][] =>
    args.positional.map((v) => [...ctx.iterate(v)]);
  const fromList = (name: string, values: PyValue[]): PyValue => {
    let k = 0;
    return iteratorOf(name, () => (k < values.length ? values[k++] : undefined));
  };
  return moduleOf('itertools', [
    fn('product', (args, ctx) => {
      const repeat = args.keywords.get('repeat');
      let pools = lists(args, ctx);
      if (repeat) {
        const r = Number(asBigInt(repeat, 'repeat', ctx));
        pools = Array.from({ length: r }, () => pools).flat();
      }
      const total = pools.reduce((n, p) => n * p.length, 1);
      runtime.budget.checkItems(total, 'product');
      const out: PyValue[] = [];
      const index = pools.map(() => 0);
      if (pools.some((p) => p.length === 0)) return fromList('product', []);
      for (let n = 0; n < total; n += 1) {
        out.push({ kind: 'tuple', items: pools.map((p, k) => p[index[k]]) });
        for (let k = pools.length - 1; k >= 0; k -= 1) {
          index[k] += 1;
          if (index[k] < pools[k].length) break;
          index[k] = 0;
        }
      }
      return fromList('product', out);
    }),
    fn('accumulate', (args, ctx) => {
      const [iterable, func] = args.positional;
      const initial = args.keywords.get('initial');
      const out: PyValue[] = [];
      let acc: PyValue | undefined = initial;
      if (acc !== undefined) out.push(acc);
      for (const v of ctx.iterate(iterable ?? NONE)) {
        acc =
          acc === undefined
            ? v
            : func
              ? ctx.call(func, [acc, v])
              : runtime.interp.ops.binary('+', acc, v, ctx.span);
        out.push(acc);
      }
      return fromList('accumulate', out);
    }),
    [
      'chain',
      {
        ...native('chain', (args, ctx) => fromList('chain', lists(args, ctx).flat())),
        attrs: new Map([
          fn('from_iterable', (args, ctx) =>
            fromList(
              'chain',
              [...ctx.iterate(args.positional[0] ?? NONE)].flatMap((v) => [...ctx.iterate(v)]),
            ),
          ),
        ]),
      },
    ],
    fn('permutations', (args, ctx) => {
      const items = [...ctx.iterate(args.positional[0] ?? NONE)];
      const given = args.positional[1] ?? args.keywords.get('r');
      const r =
        given === undefined || given.kind === 'none'
          ? items.length
          : Number(asBigInt(given, 'r', ctx));
      const out: PyValue[] = [];
      const pick = (chosen: number[]): void => {
        if (chosen.length === r) {
          out.push({ kind: 'tuple', items: chosen.map((k) => items[k]) });
          runtime.budget.checkItems(out.length, 'permutations');
          return;
        }
        for (let k = 0; k < items.length; k += 1) if (!chosen.includes(k)) pick([...chosen, k]);
      };
      if (r <= items.length) pick([]);
      return fromList('permutations', out);
    }),
    fn('combinations_with_replacement', (args, ctx) => {
      const items = [...ctx.iterate(args.positional[0] ?? NONE)];
      const r = Number(asBigInt(args.positional[1] ?? NONE, 'r', ctx));
      const out: PyValue[] = [];
      const pick = (start: number, chosen: PyValue[]): void => {
        if (chosen.length === r) {
          out.push({ kind: 'tuple', items: [...chosen] });
          runtime.budget.checkItems(out.length, 'combinations_with_replacement');
          return;
        }
        for (let k = start; k < items.length; k += 1) pick(k, [...chosen, items[k]]);
      };
      if (items.length > 0 || r === 0) pick(0, []);
      return fromList('combinations_with_replacement', out);
    }),
    fn('groupby', (args, ctx) => {
      const [iterable, key] = args.positional;
      const keyFn = key ?? args.keywords.get('key');
      const groups: PyValue[] = [];
      let current: { key: PyValue; items: PyValue[] } | undefined;
      for (const v of ctx.iterate(iterable ?? NONE)) {
        const k = keyFn && keyFn.kind !== 'none' ? ctx.call(keyFn, [v]) : v;
        if (
          current &&
          runtime.interp.truth(runtime.interp.ops.compare('==', current.key, k, ctx.span), ctx.span)
        )
          current.items.push(v);
        else {
          current = { key: k, items: [v] };
          groups.push({ kind: 'tuple', items: [k, fromList('_grouper', current.items)] });
        }
      }
      return fromList('groupby', groups);
    }),
    fn('starmap', (args, ctx) => {
      const [f, iterable] = args.positional;
      const source = ctx.iterate(iterable ?? NONE)[Symbol.iterator]();
      return iteratorOf('starmap', () => {
        const next = source.next();
        return next.done ? undefined : ctx.call(f ?? NONE, [...ctx.iterate(next.value)]);
      });
    }),
    fn('takewhile', (args, ctx) => {
      const [f, iterable] = args.positional;
      const source = ctx.iterate(iterable ?? NONE)[Symbol.iterator]();
      let done = false;
      return iteratorOf('takewhile', () => {
        const next = done ? undefined : source.next();
        if (
          !next ||
          next.done ||
          !runtime.interp.truth(ctx.call(f ?? NONE, [next.value]), ctx.span)
        ) {
          done = true;
          return undefined;
        }
        return next.value;
      });
    }),
    fn('dropwhile', (args, ctx) => {
      const [f, iterable] = args.positional;
      const source = ctx.iterate(iterable ?? NONE)[Symbol.iterator]();
      let dropping = true;
      return iteratorOf('dropwhile', () => {
        for (let next = source.next(); !next.done; next = source.next()) {
          if (dropping && runtime.interp.truth(ctx.call(f ?? NONE, [next.value]), ctx.span))
            continue;
          dropping = false;
          return next.value;
        }
        return undefined;
      });
    }),
    fn('repeat', (args, ctx) => {
      const [value, times] = args.positional;
      if (times === undefined)
        return ctx.raise('NotImplementedError', 'itertools.repeat without a count never ends');
      const n = Number(asBigInt(times, 'times', ctx));
      runtime.budget.checkItems(n, 'repeat');
      return fromList(
        'repeat',
        Array.from({ length: Math.max(0, n) }, () => value ?? NONE),
      );
    }),
    fn('count', (args, ctx) => {
      let k = args.positional[0] ? asBigInt(args.positional[0], 'start', ctx) : 0n;
      const step = args.positional[1] ? asBigInt(args.positional[1], 'step', ctx) : 1n;
      return iteratorOf('count', () => {
        const v = pyInt(k);
        k += step;
        return v;
      });
    }),
    fn('pairwise', (args, ctx) => {
      const items = [...ctx.iterate(args.positional[0] ?? NONE)];
      return fromList(
        'pairwise',
        items.slice(1).map((v, k) => ({ kind: 'tuple', items: [items[k], v] })),
      );
    }),
    fn('islice', (args, ctx) => {
      const [iterable, ...bounds] = args.positional;
      const ints = bounds.map((b) =>
        b.kind === 'none' ? undefined : Number(asBigInt(b, 'islice', ctx)),
      );
      const [start, stop, step] =
        ints.length === 1 ? [0, ints[0], 1] : [ints[0] ?? 0, ints[1], ints[2] ?? 1];
      const out: PyValue[] = [];
      let k = 0;
      for (const v of ctx.iterate(iterable ?? NONE)) {
        if (stop !== undefined && k >= stop) break;
        if (k >= start && (k - start) % step === 0) out.push(v);
        k += 1;
      }
      return fromList('islice', out);
    }),
    fn('combinations', (args, ctx) => {
      const items = [...ctx.iterate(args.positional[0] ?? NONE)];
      const r = Number(asBigInt(args.positional[1] ?? NONE, 'r', ctx));
      const out: PyValue[] = [];
      const pick = (start: number, chosen: PyValue[]): void => {
        if (chosen.length === r) {
          out.push({ kind: 'tuple', items: [...chosen] });
          runtime.budget.checkItems(out.length, 'combinations');
          return;
        }
        for (let k = start; k < items.length; k += 1) pick(k + 1, [...chosen, items[k]]);
      };
      if (r <= 16) pick(0, []);
      return fromList('combinations', out);
    }),
    fn('zip_longest', (args, ctx) => {
      const pools = lists(args, ctx);
      const fill = args.keywords.get('fillvalue') ?? NONE;
      const n = Math.max(0, ...pools.map((p) => p.length));
      return fromList(
        'zip_longest',
        Array.from({ length: n }, (_, k) => ({
          kind: 'tuple',
          items: pools.map((p) => p[k] ?? fill),
        })),
      );
    }),
  ]);
}

const OPERATOR_BINARY = {
  add: '+',
  sub: '-',
  mul: '*',
  truediv: '/',
  floordiv: '//',
  mod: '%',
  pow: '**',
  and_: '&',
  or_: '|',
  xor: '^',
  lshift: '<<',
  rshift: '>>',
  matmul: '@',
} as const;
const OPERATOR_COMPARE = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;

function operatorModule(runtime: Runtime): PyModule {
  const ops = () => runtime.interp.ops;
  const entries: [string, PyValue][] = [];
  for (const [name, op] of Object.entries(OPERATOR_BINARY)) {
    entries.push(
      fn(name, (args, ctx) =>
        ops().binary(op, args.positional[0] ?? NONE, args.positional[1] ?? NONE, ctx.span),
      ),
    );
  }
  for (const [name, op] of Object.entries(OPERATOR_COMPARE)) {
    entries.push(
      fn(name, (args, ctx) =>
        ops().compare(op, args.positional[0] ?? NONE, args.positional[1] ?? NONE, ctx.span),
      ),
    );
  }
  entries.push(
    fn('neg', (args, ctx) => ops().unary('-', args.positional[0] ?? NONE, ctx.span)),
    fn('invert', (args, ctx) => ops().unary('~', args.positional[0] ?? NONE, ctx.span)),
    fn('inv', (args, ctx) => ops().unary('~', args.positional[0] ?? NONE, ctx.span)),
    fn('not_', (args, ctx) => ops().unary('not', args.positional[0] ?? NONE, ctx.span)),
    fn('getitem', (args, ctx) =>
      ops().getItem(args.positional[0] ?? NONE, args.positional[1] ?? NONE, ctx.span),
    ),
    fn('index', (args, ctx) => pyInt(asBigInt(args.positional[0] ?? NONE, 'index', ctx))),
    fn('pos', (args, ctx) => ops().unary('+', args.positional[0] ?? NONE, ctx.span)),
    fn('abs', (args, ctx) => ctx.call(runtime.builtin('abs') ?? NONE, args.positional)),
    fn('truth', (args, ctx) => pyBool(runtime.interp.truth(args.positional[0] ?? NONE, ctx.span))),
    fn('is_', (args, ctx) =>
      ops().compare('is', args.positional[0] ?? NONE, args.positional[1] ?? NONE, ctx.span),
    ),
    fn('is_not', (args, ctx) =>
      ops().compare('is not', args.positional[0] ?? NONE, args.positional[1] ?? NONE, ctx.span),
    ),
    fn('contains', (args, ctx) =>
      ops().compare('in', args.positional[1] ?? NONE, args.positional[0] ?? NONE, ctx.span),
    ),
    fn('concat', (args, ctx) =>
      ops().binary('+', args.positional[0] ?? NONE, args.positional[1] ?? NONE, ctx.span),
    ),
    fn('itemgetter', (args) => {
      const keys = args.positional;
      return native('itemgetter', (inner, ctx) => {
        const get = (k: PyValue): PyValue =>
          ops().getItem(inner.positional[0] ?? NONE, k, ctx.span);
        return keys.length === 1 ? get(keys[0]) : { kind: 'tuple', items: keys.map(get) };
      });
    }),
    fn('attrgetter', (args) => {
      const names = args.positional;
      return native('attrgetter', (inner, ctx) => {
        const get = (name: PyValue): PyValue =>
          (name.kind === 'str' ? name.value.split('.') : []).reduce(
            (object, part) => runtime.interp.getAttribute(object, part, ctx.span),
            inner.positional[0] ?? NONE,
          );
        return names.length === 1 ? get(names[0]) : { kind: 'tuple', items: names.map(get) };
      });
    }),
    fn('methodcaller', (args) => {
      const [name, ...rest] = args.positional;
      return native('methodcaller', (inner, ctx) => {
        const method = runtime.interp.getAttribute(
          inner.positional[0] ?? NONE,
          name?.kind === 'str' ? name.value : '',
          ctx.span,
        );
        return ctx.call(method, rest, args.keywords);
      });
    }),
  );
  return moduleOf('operator', entries);
}

// ---- dataclasses, collections --------------------------------------------------------------------

function dataclassesModule(runtime: Runtime): PyModule {
  const mark = (cls: PyValue, frozen: boolean): PyValue => {
    if (cls.kind !== 'class') return cls;
    cls.isDataclass = true;
    cls.frozenDataclass = frozen;
    // A dataclass base's fields come first; a field declared again keeps its place.
    const own = cls.dataclassFields ?? [];
    const inherited = cls.bases[0]?.isDataclass ? (cls.bases[0].dataclassFields ?? []) : [];
    cls.dataclassFields = [
      ...inherited.map((f) => own.find((o) => o.name === f.name) ?? f),
      ...own.filter((o) => !inherited.some((f) => f.name === o.name)),
    ];
    return cls;
  };
  return moduleOf('dataclasses', [
    fn('dataclass', (args, ctx) => {
      const first = args.positional[0];
      const frozen = args.keywords.get('frozen');
      const isFrozen = frozen !== undefined && runtime.interp.truth(frozen, ctx.span);
      if (first?.kind === 'class') return mark(first, false);
      return native('dataclass', (inner) => mark(inner.positional[0] ?? NONE, isFrozen));
    }),
    // A field's default stays a field() until an instance is built (default_factory runs per
    // instance, as in Python).
    fn('field', (args) => ({
      kind: 'opaque',
      name: 'dataclasses.field',
      attrs: new Map(args.keywords),
    })),
    fn('asdict', (args, ctx) => {
      const v = args.positional[0];
      if (v?.kind !== 'instance')
        return ctx.raise('TypeError', 'asdict() should be called on dataclass instances');
      const dict: PyValue = { kind: 'dict', entries: new Map() };
      for (const [k, value] of v.attrs) runtime.dictSet(dict, pyStr(k), value);
      return dict;
    }),
  ]);
}

function namedTuple(args: CallArgs, ctx: CallContext, runtime: Runtime): PyValue {
  const [name, fieldsValue] = args.positional;
  const fields =
    fieldsValue?.kind === 'str'
      ? fieldsValue.value
          .replace(/,/g, ' ')
          .split(/\s+/)
          .filter((f) => f !== '')
      : [...ctx.iterate(fieldsValue ?? NONE)].map((f) => (f.kind === 'str' ? f.value : ''));
  const cls: PyClass = {
    kind: 'class',
    name: name?.kind === 'str' ? name.value : 'namedtuple',
    bases: [],
    attrs: new Map(),
    instanceKinds: [],
  };
  cls.construct = (inner, innerCtx) => {
    const values = bindArgs(cls.name, inner, fields, fields.length, innerCtx);
    return { kind: 'tuple', items: values.map((v) => v ?? NONE), fields, typeName: cls.name };
  };
  void runtime;
  return cls;
}

export { CONTROL_FLOW_MESSAGE, isNumber, toFloat };
