/**
 * Attributes and bound methods of concrete tensors: properties (shape, dtype, T, ...), the method
 * forms of the torch functions (called with the tensor first), conversions (to, long, float, ...),
 * factories (new_ones, ...) and in-place methods, which write through strided aliases.
 *
 * This module decides what a name means on a tensor: a property, a method of its own
 * (torchConcreteMethodTable.ts), a torch function called with the tensor first, or the in-place
 * `name_` form of an element-wise one.
 */
import { ELEMENT_SIZE } from '../tensor/dtype';
import { inplaceResult } from '../tensor/writes';
import { NdArray } from '../tensor/ndarray';
import { reverseDims, transpose } from '../tensor/strided';
import { budgetOf, guarded, envOf as env } from './torchConcreteArgs';
import { FUNCTIONAL_FUNCTIONS, torchFunction } from './torchConcreteFunctions';
import {
  FALSE,
  NONE,
  pyInt,
  pyTensor,
  pyTuple,
  type CallArgs,
  type CallContext,
  type PyValue,
} from './values';
import { TENSOR_METHODS } from './torchConcreteMethodTable';

/** torch functions that are not Tensor methods. */
const NOT_METHODS = new Set([
  'tensor',
  'as_tensor',
  'asarray',
  'arange',
  'linspace',
  'zeros',
  'ones',
  'empty',
  'full',
  'eye',
  'zeros_like',
  'ones_like',
  'empty_like',
  'full_like',
  'meshgrid',
  'cat',
  'concat',
  'concatenate',
  'stack',
  'hstack',
  'vstack',
  'row_stack',
  'is_tensor',
  'result_type',
  'promote_types',
  'can_cast',
  'iinfo',
  'finfo',
  'broadcast_tensors',
  'broadcast_shapes',
  'manual_seed',
  'searchsorted',
  'isin',
  'where',
]);

/** Element-wise ops that also exist as in-place methods `name_` (result written into self). */
const IN_PLACE_BASES = new Set([
  'add',
  'sub',
  'subtract',
  'mul',
  'multiply',
  'div',
  'divide',
  'true_divide',
  'floor_divide',
  'remainder',
  'fmod',
  'pow',
  'bitwise_and',
  'bitwise_or',
  'bitwise_xor',
  'bitwise_not',
  'bitwise_left_shift',
  'bitwise_right_shift',
  'minimum',
  'maximum',
  'logical_and',
  'logical_or',
  'logical_xor',
  'logical_not',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'neg',
  'negative',
  'abs',
  'exp',
  'exp2',
  'expm1',
  'log',
  'log2',
  'log10',
  'log1p',
  'sqrt',
  'rsqrt',
  'sin',
  'cos',
  'tan',
  'tanh',
  'sigmoid',
  'erf',
  'reciprocal',
  'floor',
  'ceil',
  'round',
  'trunc',
  'frac',
  'sign',
  'square',
  'relu',
  'clamp',
  'clip',
  'clamp_min',
  'clamp_max',
  'masked_fill',
  'tril',
  'triu',
  'cumsum',
  'cumprod',
  'atan2',
  'hypot',
  'fmin',
  'fmax',
]);

function callWithSelf(name: string, self: NdArray, args: CallArgs, ctx: CallContext): PyValue {
  const fn = torchFunction(name) ?? FUNCTIONAL_FUNCTIONS[name];
  return fn({ positional: [pyTensor(self), ...args.positional], keywords: args.keywords }, ctx);
}

function methodFor(
  name: string,
): ((self: NdArray, args: CallArgs, ctx: CallContext) => PyValue) | undefined {
  const special = Object.prototype.hasOwnProperty.call(TENSOR_METHODS, name)
    ? TENSOR_METHODS[name]
    : undefined;
  if (special) return (self, args, ctx) => guarded(ctx, () => special(self, args, env(ctx, name)));
  if (torchFunction(name) && !NOT_METHODS.has(name)) {
    return (self, args, ctx) => callWithSelf(name, self, args, ctx);
  }
  if (name === 'softmax' || name === 'log_softmax') {
    return (self, args, ctx) => callWithSelf(name, self, args, ctx);
  }
  if (name.endsWith('_') && IN_PLACE_BASES.has(name.slice(0, -1))) {
    const base = name.slice(0, -1);
    return (self, args, ctx) => {
      const result = callWithSelf(base, self, args, ctx);
      if (result.kind !== 'tensor')
        return ctx.raise('TypeError', `${name}() did not produce a tensor`);
      return guarded(ctx, () => pyTensor(inplaceResult(self, result.array, budgetOf(ctx))));
    };
  }
  return undefined;
}

/** Properties and bound methods of a concrete tensor; undefined for an unknown name. */
export function tensorAttribute(t: NdArray, name: string, ctx: CallContext): PyValue | undefined {
  switch (name) {
    case 'shape':
      return pyTuple(t.shape.map((s) => pyInt(s)));
    case 'ndim':
      return pyInt(t.ndim);
    case 'dtype':
      return { kind: 'dtype', dtype: t.dtype };
    case 'device':
      return { kind: 'device', name: 'cpu' };
    case 'T':
      return pyTensor(reverseDims(t));
    case 'mT':
      return guarded(ctx, () => pyTensor(transpose(t, -2, -1)));
    case 'is_cuda':
    case 'requires_grad':
    case 'is_sparse':
    case 'is_quantized':
      return FALSE;
    case 'grad':
      return NONE;
    case 'data':
      return pyTensor(t);
    case 'itemsize':
      return pyInt(ELEMENT_SIZE[t.dtype]);
    case 'nbytes':
      return pyInt(ELEMENT_SIZE[t.dtype] * t.numel);
  }
  const method = methodFor(name);
  if (!method) return undefined;
  return { kind: 'native', name, call: (args, c) => method(t, args, c) };
}
