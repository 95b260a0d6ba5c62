/**
 * The tensor methods that are not simply their torch function with the tensor first: view and
 * reshape with varargs sizes, the conversions (to, long, float, bool, ...), the factories
 * (new_zeros, new_full, ...), the queries (size, stride, dim, item, tolist, ...) and the in-place
 * forms that write through the tensor's strides (fill_, copy_, index_fill_, scatter_, ...).
 * torchConcreteMethods.ts looks a method up here first, then falls back on the torch functions.
 */
import { ELEMENT_SIZE, isFloating, type DType } from '../tensor/dtype';
import { astype } from '../tensor/elementwise';
import { flip, full, repeat } from '../tensor/creation';
import { copyInto, maskedFillInPlace } from '../tensor/writes';
import { indexFillInto, scatterInto, setItem } from '../tensor/indexing';
import { NdArray, cloneArray, normalizeDim } from '../tensor/ndarray';
import { aliasReshape, expand, permute, reshape } from '../tensor/strided';
import {
  bindArgs,
  boolArg,
  dtypeArg,
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
  tensorItem,
  TENSOR_TYPE,
} from './torchConcreteArgs';
import { TORCH_FUNCTIONS } from './torchConcreteFunctions';
import {
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

export type Method = (self: NdArray, args: CallArgs, e: Env) => PyValue;

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

export const TENSOR_METHODS: Record<string, Method> = {
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
    return varargsMethod('size', (s, sizes) => aliasReshape(s, sizes))(self, args, e);
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
    return pyTensor(aliasReshape(self, tensorArg(a.other, e, 'other').shape));
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
