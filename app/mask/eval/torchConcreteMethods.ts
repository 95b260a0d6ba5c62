/**
 * Attributes and bound methods of concrete tensors: properties (shape, dtype, T, ...), the method
 * forms of the torch functions (called with the tensor first), conversions (to, long, float, ...),
 * factories (new_ones, ...) and in-place methods, which write through views.
 */
import { CPP_NAME, isFloating, type DType } from '../tensor/dtype';
import { astype } from '../tensor/elementwise';
import { flip, full, repeat } from '../tensor/creation';
import { copyInto, inplaceResult, maskedFillInPlace } from '../tensor/writes';
import { indexFillInto, scatterInto, setItem } from '../tensor/indexing';
import { NdArray, cloneArray, normalizeDim } from '../tensor/ndarray';
import { expand, permute, reshape, reverseDims, transpose, view } from '../tensor/views';
import {
  bindArgs,
  boolArg,
  budgetOf,
  dtypeArg,
  guarded,
  intArg,
  intListArg,
  isNone,
  numberArg,
  sizesArg,
  tensorArg,
  tensorFromPython as fromPython,
  tensorToList,
  typeName,
  type Env,
  envOf as env,
  tensorItem,
  TENSOR_TYPE,
} from './torchConcreteArgs';
import { FUNCTIONAL_FUNCTIONS, TORCH_FUNCTIONS, torchFunction } from './torchConcreteFunctions';
import {
  FALSE,
  NONE,
  pyBool,
  pyInt,
  pyStr,
  pyTensor,
  pyTuple,
  type CallArgs,
  type CallContext,
  type PyValue,
} from './values';
import { indexPart } from './torchConcreteIndex';

type Method = (self: NdArray, args: CallArgs, e: Env) => PyValue;

const ELEMENT_SIZE: Record<DType, number> = {
  bool: 1,
  uint8: 1,
  int32: 4,
  int64: 8,
  float32: 4,
  float64: 8,
};

/** Methods whose torch function takes the sizes as one list, but the method as varargs too. */
function varargsMethod(
  keyword: string,
  apply: (self: NdArray, sizes: number[], e: Env) => NdArray,
): Method {
  return (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['*items', `${keyword}=`]);
    const items = a.items?.kind === 'tuple' ? a.items.items : [];
    const sizes =
      items.length > 0
        ? sizesArg(items, e, keyword)
        : intListArg(a[keyword] ?? pyTuple([]), e, keyword);
    return pyTensor(apply(self, sizes, e));
  };
}

function castMethod(dtype: DType): Method {
  return (self, args, e) => {
    bindArgs(e.name, args, e.ctx, ['memory_format=']);
    return pyTensor(self.dtype === dtype ? self : astype(self, dtype, e.budget));
  };
}

function refusedCast(what: string): Method {
  return (_self, _args, e) =>
    e.ctx.raise(
      'TypeError',
      `flexmask has no ${what} tensors; use .float() (float32) or .int() / .long()`,
    );
}

/** Tensor.to(...): a dtype, a device (ignored), another tensor's dtype; itself when unchanged. */
const toMethod: Method = (self, args, e) => {
  let dtype: DType | undefined;
  for (const v of args.positional) {
    if (v.kind === 'dtype') dtype = v.dtype;
    else if (v.kind === 'tensor') dtype = v.array.dtype;
    else if (v.kind === 'str' || v.kind === 'device' || v.kind === 'int') continue;
    else if (v.kind === 'class') dtype = dtypeArg(v, e);
    else
      return e.ctx.raise(
        'TypeError',
        `to() received an invalid combination of arguments: got ${typeName(v)}`,
      );
  }
  const a = bindArgs(e.name, { positional: [], keywords: args.keywords }, e.ctx, [
    'dtype=',
    'device=',
    'non_blocking=',
    'copy=',
    'memory_format=',
  ]);
  dtype = dtypeArg(a.dtype, e) ?? dtype ?? self.dtype;
  const copy = boolArg(a.copy, e, 'copy', false);
  if (dtype === self.dtype) return pyTensor(copy ? cloneArray(self, e.budget) : self);
  return pyTensor(astype(self, dtype, e.budget));
};

const STRING_TYPES: Record<string, DType> = Object.fromEntries(
  Object.entries(TENSOR_TYPE).map(([d, name]) => [name, d as DType]),
);

function newFactory(value: number | undefined): Method {
  return (self, args, e) => {
    const a = bindArgs(
      e.name,
      args,
      e.ctx,
      value === undefined ? ['size', 'fill_value', '*', 'dtype='] : ['*sizes', 'size=', 'dtype='],
    );
    const dtype = dtypeArg(a.dtype, e) ?? self.dtype;
    if (value === undefined) {
      return pyTensor(
        full(
          intListArg(a.size, e, 'size'),
          numberArg(a.fill_value, e, 'fill_value').scalar,
          dtype,
          e.budget,
        ),
      );
    }
    const items = a.sizes?.kind === 'tuple' ? a.sizes.items : [];
    const sizes =
      items.length > 0 ? sizesArg(items, e) : intListArg(a.size ?? pyTuple([]), e, 'size');
    return pyTensor(full(sizes, value, dtype, e.budget));
  };
}

function noArgs(name: string, args: CallArgs, ctx: CallContext): void {
  bindArgs(name, args, ctx, ['memory_format=']);
}

const METHODS: Record<string, Method> = {
  view: (self, args, e) => {
    const first = args.positional[0] ?? args.keywords.get('dtype');
    if (first?.kind === 'dtype' || first?.kind === 'class') {
      const dtype = dtypeArg(first, e);
      if (dtype === self.dtype) return pyTensor(self);
      return e.ctx.raise(
        'NotImplementedError',
        'flexmask: view(dtype) (reinterpreting bits) is not supported; use .to(dtype)',
      );
    }
    return varargsMethod('size', (s, sizes) => view(s, sizes))(self, args, e);
  },
  reshape: varargsMethod('shape', (s, sizes, e) => reshape(s, sizes, e.budget)),
  expand: varargsMethod('size', (s, sizes) => expand(s, sizes)),
  repeat: varargsMethod('repeats', (s, sizes, e) => repeat(s, sizes, e.budget)),
  permute: varargsMethod('dims', (s, dims) => permute(s, dims)),
  flip: varargsMethod('dims', (s, dims, e) => flip(s, dims, e.budget)),
  tile: varargsMethod('dims', (s, dims, e) =>
    repeat(s, [...new Array<number>(Math.max(0, s.ndim - dims.length)).fill(1), ...dims], e.budget),
  ),
  expand_as: (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['other']);
    return pyTensor(expand(self, tensorArg(a.other, e, 'other').shape));
  },
  view_as: (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['other']);
    return pyTensor(view(self, tensorArg(a.other, e, 'other').shape));
  },
  reshape_as: (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['other']);
    return pyTensor(reshape(self, tensorArg(a.other, e, 'other').shape, e.budget));
  },
  type_as: (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['other']);
    const dtype = tensorArg(a.other, e, 'other').dtype;
    return pyTensor(dtype === self.dtype ? self : astype(self, dtype, e.budget));
  },
  size: (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['dim=']);
    if (isNone(a.dim)) return pyTuple(self.shape.map((s) => pyInt(s)));
    return pyInt(self.shape[normalizeDim(intArg(a.dim, e, 'dim'), self.ndim)] ?? 1);
  },
  stride: (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['dim=']);
    if (isNone(a.dim)) return pyTuple(self.strides.map((s) => pyInt(s)));
    return pyInt(self.strides[normalizeDim(intArg(a.dim, e, 'dim'), self.ndim)] ?? 1);
  },
  storage_offset: (self, args, e) => (noArgs(e.name, args, e.ctx), pyInt(self.offset)),
  dim: (self, args, e) => (noArgs(e.name, args, e.ctx), pyInt(self.ndim)),
  ndimension: (self, args, e) => (noArgs(e.name, args, e.ctx), pyInt(self.ndim)),
  numel: (self, args, e) => (noArgs(e.name, args, e.ctx), pyInt(self.numel)),
  nelement: (self, args, e) => (noArgs(e.name, args, e.ctx), pyInt(self.numel)),
  element_size: (self, args, e) => (noArgs(e.name, args, e.ctx), pyInt(ELEMENT_SIZE[self.dtype])),
  is_floating_point: (self, args, e) => (
    noArgs(e.name, args, e.ctx),
    pyBool(isFloating(self.dtype))
  ),
  is_contiguous: (self, args, e) => (noArgs(e.name, args, e.ctx), pyBool(self.isContiguous())),
  item: (self, args, e) => (noArgs(e.name, args, e.ctx), tensorItem(self, e.ctx)),
  tolist: (self, args, e) => (noArgs(e.name, args, e.ctx), tensorToList(self, e)),
  to: toMethod,
  type: (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['dtype=', 'non_blocking=']);
    if (isNone(a.dtype)) return pyStr(TENSOR_TYPE[self.dtype]);
    const d = a.dtype;
    const dtype = d?.kind === 'str' ? STRING_TYPES[d.value] : dtypeArg(d, e);
    if (dtype === undefined)
      return e.ctx.raise('ValueError', `invalid type: '${d?.kind === 'str' ? d.value : ''}'`);
    return pyTensor(dtype === self.dtype ? self : astype(self, dtype, e.budget));
  },
  long: castMethod('int64'),
  int: castMethod('int32'),
  bool: castMethod('bool'),
  float: castMethod('float32'),
  double: castMethod('float64'),
  byte: castMethod('uint8'),
  half: refusedCast('float16'),
  bfloat16: refusedCast('bfloat16'),
  short: refusedCast('int16'),
  char: refusedCast('int8'),
  clone: (self, args, e) => (noArgs(e.name, args, e.ctx), pyTensor(cloneArray(self, e.budget))),
  contiguous: (self, args, e) => (
    noArgs(e.name, args, e.ctx),
    pyTensor(self.isContiguous() ? self : cloneArray(self, e.budget))
  ),
  cpu: (self) => pyTensor(self),
  cuda: (self) => pyTensor(self),
  detach: (self) => pyTensor(self),
  requires_grad_: (self) => pyTensor(self),
  numpy: (_self, _args, e) =>
    e.ctx.raise(
      'RuntimeError',
      'flexmask has no NumPy: keep working with tensors (x.tolist() gives Python lists)',
    ),
  new_ones: newFactory(1),
  new_zeros: newFactory(0),
  new_empty: newFactory(0),
  new_full: newFactory(undefined),
  new_tensor: (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['data', '*', 'dtype=']);
    const data = a.data ?? NONE;
    return pyTensor(fromPython(data, dtypeArg(a.dtype, e) ?? self.dtype, e));
  },
  where: (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['condition', 'other']);
    const fn = TORCH_FUNCTIONS.where;
    return fn(
      { positional: [a.condition ?? NONE, pyTensor(self), a.other ?? NONE], keywords: new Map() },
      e.ctx,
    );
  },
  fill_: (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['value']);
    copyInto(self, numberArg(a.value, e, 'value'), e.budget);
    return pyTensor(self);
  },
  zero_: (self, args, e) => {
    noArgs(e.name, args, e.ctx);
    copyInto(self, { scalar: 0, kind: 'int' }, e.budget);
    return pyTensor(self);
  },
  copy_: (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['src', 'non_blocking=']);
    copyInto(self, tensorArg(a.src, e, 'src'), e.budget);
    return pyTensor(self);
  },
  masked_fill_: (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['mask', 'value']);
    const v = a.value?.kind === 'tensor' ? a.value.array : numberArg(a.value, e, 'value');
    maskedFillInPlace(self, tensorArg(a.mask, e, 'mask'), v, e.budget);
    return pyTensor(self);
  },
  index_fill_: (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['dim', 'index', 'value']);
    indexFillInto(
      self,
      intArg(a.dim, e, 'dim'),
      tensorArg(a.index, e, 'index'),
      numberArg(a.value, e, 'value').scalar,
      e.budget,
    );
    return pyTensor(self);
  },
  scatter_: (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['dim', 'index', 'src=', '*', 'value=', 'reduce=']);
    if (!isNone(a.reduce))
      return e.ctx.raise('NotImplementedError', 'flexmask: scatter_(reduce=...) is not supported');
    const src = a.src ?? a.value;
    const v = src?.kind === 'tensor' ? src.array : numberArg(src, e, 'src').scalar;
    scatterInto(self, intArg(a.dim, e, 'dim'), tensorArg(a.index, e, 'index'), v, false);
    return pyTensor(self);
  },
  scatter_add_: (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['dim', 'index', 'src']);
    scatterInto(
      self,
      intArg(a.dim, e, 'dim'),
      tensorArg(a.index, e, 'index'),
      tensorArg(a.src, e, 'src'),
      true,
    );
    return pyTensor(self);
  },
  index_put_: (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['indices', 'values', 'accumulate=']);
    if (boolArg(a.accumulate, e, 'accumulate', false)) {
      return e.ctx.raise(
        'NotImplementedError',
        'flexmask: index_put_(accumulate=True) is not supported',
      );
    }
    const values = a.values?.kind === 'tensor' ? a.values.array : numberArg(a.values, e, 'values');
    const indices =
      a.indices?.kind === 'tuple' || a.indices?.kind === 'list' ? a.indices.items : [];
    setItem(
      self,
      indices.map((v) => indexPart(v, e.ctx)),
      values,
      e.budget,
    );
    return pyTensor(self);
  },
  fill_diagonal_: (self, args, e) => {
    const a = bindArgs(e.name, args, e.ctx, ['fill_value', 'wrap=']);
    const value = numberArg(a.fill_value, e, 'fill_value');
    const wrap = boolArg(a.wrap, e, 'wrap', false);
    if (self.ndim < 2 || (self.ndim > 2 && self.shape.some((s) => s !== self.shape[0]))) {
      return e.ctx.raise('RuntimeError', 'all dimensions of input must be of equal length');
    }
    const n = Math.min(...self.shape);
    const step = self.strides.reduce((sum, x) => sum + x, 0);
    const [rows, cols] = self.shape;
    // wrap=True on a tall matrix starts the diagonal again every cols + 1 rows (flat step cols + 1)
    const count =
      wrap && self.ndim === 2 && rows > cols + 1 ? Math.ceil(self.numel / (cols + 1)) : n;
    for (let k = 0; k < count; k++) {
      let at = self.offset + k * step;
      if (self.ndim === 2) {
        const flat = k * (cols + 1);
        at =
          self.offset + Math.floor(flat / cols) * self.strides[0] + (flat % cols) * self.strides[1];
      }
      copyInto(new NdArray(self.dtype, [], [], at, self.data), value, e.budget);
    }
    return pyTensor(self);
  },
  unsqueeze_: shapeInPlace,
  squeeze_: shapeInPlace,
  t_: shapeInPlace,
  transpose_: shapeInPlace,
  resize_: shapeInPlace,
};

function shapeInPlace(_self: NdArray, _args: CallArgs, e: Env): PyValue {
  return e.ctx.raise(
    'NotImplementedError',
    `flexmask: ${e.name}() changes a tensor's shape in place, which is not supported; assign the result of the out-of-place form (${e.name.slice(0, -1)}) instead`,
  );
}

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
  const special = Object.prototype.hasOwnProperty.call(METHODS, name) ? METHODS[name] : undefined;
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

/** Attributes of a dtype value (`torch.float32.is_floating_point`, `.itemsize`). */
export function dtypeAttribute(dtype: DType, name: string): PyValue | undefined {
  switch (name) {
    case 'is_floating_point':
      return pyBool(isFloating(dtype));
    case 'is_complex':
      return FALSE;
    case 'is_signed':
      return pyBool(dtype !== 'bool' && dtype !== 'uint8');
    case 'itemsize':
      return pyInt(ELEMENT_SIZE[dtype]);
    default:
      return undefined;
  }
}

/** PyTorch's C++ name of a dtype (Long, Float, ...), for messages the evaluator writes. */
export function dtypeCppName(dtype: DType): string {
  return CPP_NAME[dtype];
}
