/**
 * The `torch` module and its small neighbours (torch.nn, torch.nn.functional, torch.cuda). Each
 * tensor function dispatches on its arguments: a traced one (`sym`, while mask_mod or score_mod
 * is traced) goes to the tracer (tracedMethods.ts), anything else to the concrete tensor library
 * (torchConcrete*.ts); the dtypes, tensor classes, constants and the refusals (random tensors,
 * vmap) are here too. The module is built per program, since its natives close over the
 * runtime.
 */
import type { Runtime } from '../runtime';
import { FUNCTIONAL_FUNCTIONS, TORCH_DTYPES, TORCH_FUNCTIONS } from '../torchConcrete';
import { TraceError } from '../pyerrors';
import { callTraced, TRACED_FUNCTIONS } from '../tracedMethods';
import {
  FALSE,
  NONE,
  native,
  pyBool,
  pyFloat,
  pyInt,
  type CallArgs,
  type CallContext,
  type NativeCall,
  type PyClass,
  type PyModule,
  type PyValue,
} from '../values';
import { fn, moduleOf, opaque } from './module';

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

export function torchModule(runtime: Runtime): PyModule {
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
    ...['randn', 'rand', 'randint'].map((name) =>
      fn(name, () =>
        runtime.raise(
          'NotImplementedError',
          'random tensors are not supported in setup code (the result would differ from your run); build the tensor from torch.arange, torch.tensor or a formula',
        ),
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

export function torchNnModule(): PyModule {
  return moduleOf('torch.nn', [
    fn('Parameter', (args) => args.positional[0] ?? NONE),
    opaque('Module'),
  ]);
}

export function functionalModule(runtime: Runtime): PyModule {
  return moduleOf(
    'torch.nn.functional',
    dispatchers(
      FUNCTIONAL_FUNCTIONS,
      ['gelu', 'relu', 'sigmoid', 'softplus', 'silu', 'tanh'],
      runtime,
      'torch.nn.functional',
    ),
  );
}

export function torchCudaModule(): PyModule {
  return moduleOf('torch.cuda', [
    fn('is_available', () => FALSE),
    fn('device_count', () => pyInt(0)),
  ]);
}
