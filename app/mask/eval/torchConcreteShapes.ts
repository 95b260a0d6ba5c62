/**
 * `torch.<name>` for shapes and for reading tensors at indices: reshaping (aliases of the same
 * storage where PyTorch's are), squeeze / unsqueeze / permute / transpose / diagonal / narrow /
 * select, broadcasting, splitting, gather / scatter / index_select / masked_select, and dtype
 * information (result_type, promote_types, can_cast, finfo, iinfo). Building tensors is
 * torchConcreteCreation.ts.
 */
import { isFloating, promoteTypes, canCast, type DType } from '../tensor/dtype';
import { resultType } from '../tensor/elementwise';
import { full } from '../tensor/creation';
import { gather, getItem, indexFillInto, indexSelect, scatterInto } from '../tensor/indexing';
import { NdArray, broadcastShapes, cloneArray, normalizeDim } from '../tensor/ndarray';
import {
  diagonal,
  expand,
  flatten,
  inferShape,
  matrixTranspose,
  permute,
  reshape,
  select,
  sliceDim,
  squeeze,
  transpose,
  unsqueeze,
} from '../tensor/strided';
import {
  dtypeArg,
  intArg,
  intListArg,
  isNone,
  numberArg,
  operandArg,
  tensorArg,
  type Args,
  type Env,
  T,
  define,
  tensors,
  type Table,
} from './torchConcreteArgs';
import { pyBool, pyFloat, pyInt, pyTuple, type PyValue } from './values';

const F: Table = {};
export const SHAPE_FUNCTIONS = F;
// ---------------------------------------------------------------------------------------------
// Shapes

define(F, ['reshape'], ['input', 'shape'], (a, env) =>
  T(reshape(tensorArg(a.input, env), intListArg(a.shape, env, 'shape'), env.budget)),
);
define(F, ['flatten'], ['input', 'start_dim=', 'end_dim='], (a, env) =>
  T(
    flatten(
      tensorArg(a.input, env),
      intArg(a.start_dim, env, 'start_dim', 0),
      intArg(a.end_dim, env, 'end_dim', -1),
      env.budget,
    ),
  ),
);
define(F, ['unflatten'], ['input', 'dim', 'sizes'], (a, env) => {
  const x = tensorArg(a.input, env);
  const d = normalizeDim(intArg(a.dim, env, 'dim'), x.ndim);
  const sizes = inferShape(intListArg(a.sizes, env, 'sizes'), x.ndim === 0 ? 1 : x.shape[d]);
  return T(reshape(x, [...x.shape.slice(0, d), ...sizes, ...x.shape.slice(d + 1)], env.budget));
});
define(F, ['squeeze'], ['input', 'dim='], (a, env) =>
  T(squeeze(tensorArg(a.input, env), isNone(a.dim) ? undefined : intListArg(a.dim, env, 'dim'))),
);
define(F, ['unsqueeze'], ['input', 'dim'], (a, env) =>
  T(unsqueeze(tensorArg(a.input, env), intArg(a.dim, env, 'dim'))),
);
define(F, ['permute'], ['input', 'dims'], (a, env) =>
  T(permute(tensorArg(a.input, env), intListArg(a.dims, env, 'dims'))),
);
define(F, ['transpose', 'swapaxes', 'swapdims'], ['input', 'dim0', 'dim1'], (a, env) =>
  T(transpose(tensorArg(a.input, env), intArg(a.dim0, env, 'dim0'), intArg(a.dim1, env, 'dim1'))),
);
define(F, ['t'], ['input'], (a, env) => T(matrixTranspose(tensorArg(a.input, env))));
define(F, ['diagonal'], ['input', 'offset=', 'dim1=', 'dim2='], (a, env) =>
  T(
    diagonal(
      tensorArg(a.input, env),
      intArg(a.offset, env, 'offset', 0),
      intArg(a.dim1, env, 'dim1', 0),
      intArg(a.dim2, env, 'dim2', 1),
    ),
  ),
);
define(F, ['diag'], ['input', 'diagonal='], (a, env) => {
  const x = tensorArg(a.input, env);
  const k = intArg(a.diagonal, env, 'diagonal', 0);
  if (x.ndim === 2) return T(cloneArray(diagonal(x, k, 0, 1), env.budget));
  if (x.ndim !== 1)
    return env.ctx.raise('RuntimeError', 'diag(): Supports 1D or 2D tensors. Got ' + `${x.ndim}D`);
  const n = x.shape[0] + Math.abs(k);
  const out = full([n, n], 0, x.dtype, env.budget);
  const diag = diagonal(out, k, 0, 1);
  for (let i = 0; i < x.shape[0]; i++)
    out.data[diag.offset + i * diag.strides[0]] = x.data[x.offset + i * x.strides[0]];
  return T(out);
});
define(F, ['movedim', 'moveaxis'], ['input', 'source', 'destination'], (a, env) => {
  const x = tensorArg(a.input, env);
  const src = intListArg(a.source, env, 'source').map((d) => normalizeDim(d, x.ndim));
  const dst = intListArg(a.destination, env, 'destination').map((d) => normalizeDim(d, x.ndim));
  if (src.length !== dst.length) {
    return env.ctx.raise(
      'RuntimeError',
      'movedim: Invalid source or destination dims: source and destination dims must have the same number of elements',
    );
  }
  const order = new Array<number>(x.ndim).fill(-1);
  src.forEach((s, k) => {
    order[dst[k]] = s;
  });
  const rest = x.shape.map((_, d) => d).filter((d) => !src.includes(d));
  for (let d = 0, r = 0; d < x.ndim; d++) if (order[d] < 0) order[d] = rest[r++];
  return T(permute(x, order));
});
define(F, ['narrow'], ['input', 'dim', 'start', 'length'], (a, env) => {
  const x = tensorArg(a.input, env);
  const d = normalizeDim(intArg(a.dim, env, 'dim'), x.ndim);
  let start = intArg(a.start, env, 'start');
  const length = intArg(a.length, env, 'length');
  if (start < 0) start += x.shape[d];
  if (start < 0 || length < 0 || start + length > x.shape[d]) {
    return env.ctx.raise(
      'RuntimeError',
      `start (${start}) + length (${length}) exceeds dimension size (${x.shape[d]}).`,
    );
  }
  return T(sliceDim(x, d, start, start + length, 1));
});
define(F, ['select'], ['input', 'dim', 'index'], (a, env) => {
  const x = tensorArg(a.input, env);
  const d = normalizeDim(intArg(a.dim, env, 'dim'), x.ndim);
  return T(select(x, d, intArg(a.index, env, 'index')));
});
define(F, ['broadcast_to'], ['input', 'size'], (a, env) =>
  T(expand(tensorArg(a.input, env), intListArg(a.size, env, 'size'))),
);
define(F, ['broadcast_tensors'], ['*tensors'], (a, env) => {
  const list =
    a.tensors?.kind === 'tuple' ? a.tensors.items.map((x) => tensorArg(x, env, 'tensors')) : [];
  const shape = broadcastShapes(...list.map((t) => t.shape));
  return tensors(list.map((t) => expand(t, shape)));
});
define(F, ['broadcast_shapes'], ['*shapes'], (a, env) => {
  const shapes =
    a.shapes?.kind === 'tuple' ? a.shapes.items.map((s) => intListArg(s, env, 'shapes')) : [];
  return pyTuple(broadcastShapes(...shapes).map((s) => pyInt(s)));
});
define(F, ['chunk'], ['input', 'chunks', 'dim='], (a, env) => {
  const x = tensorArg(a.input, env);
  const chunks = intArg(a.chunks, env, 'chunks');
  if (chunks <= 0)
    return env.ctx.raise(
      'RuntimeError',
      'chunk expects `chunks` to be greater than 0, got: ' + chunks,
    );
  const d = normalizeDim(intArg(a.dim, env, 'dim', 0), x.ndim);
  const size = Math.ceil(x.shape[d] / chunks);
  return tensors(splitBySize(x, d, Math.max(size, 1)));
});
function splitBySize(x: NdArray, d: number, size: number): NdArray[] {
  const out: NdArray[] = [];
  for (let at = 0; at < x.shape[d]; at += size)
    out.push(sliceDim(x, d, at, Math.min(at + size, x.shape[d]), 1));
  if (out.length === 0) out.push(x);
  return out;
}
define(F, ['split'], ['tensor', 'split_size_or_sections', 'dim='], (a, env) => {
  const x = tensorArg(a.tensor, env, 'tensor');
  const d = normalizeDim(intArg(a.dim, env, 'dim', 0), x.ndim);
  const how = a.split_size_or_sections;
  if (how !== undefined && (how.kind === 'list' || how.kind === 'tuple')) {
    const sections = intListArg(how, env, 'split_size_or_sections');
    if (sections.reduce((s, n) => s + n, 0) !== x.shape[d]) {
      return env.ctx.raise(
        'RuntimeError',
        `split_with_sizes expects split_sizes to sum exactly to ${x.shape[d]} (input tensor's size at dimension ${d}), but got split_sizes=[${sections.join(', ')}]`,
      );
    }
    let at = 0;
    return tensors(
      sections.map((n) => {
        const part = sliceDim(x, d, at, at + n, 1);
        at += n;
        return part;
      }),
    );
  }
  const size = intArg(how, env, 'split_size_or_sections');
  if (size <= 0)
    return env.ctx.raise(
      'RuntimeError',
      `split expects split_size be non-negative, but got split_size=${size}`,
    );
  return tensors(splitBySize(x, d, size));
});
define(F, ['unbind'], ['input', 'dim='], (a, env) => {
  const x = tensorArg(a.input, env);
  const d = normalizeDim(intArg(a.dim, env, 'dim', 0), x.ndim);
  return tensors(Array.from({ length: x.shape[d] }, (_, k) => select(x, d, k)));
});

define(F, ['clone'], ['input', '*', 'memory_format='], (a, env) =>
  T(cloneArray(tensorArg(a.input, env), env.budget)),
);
define(F, ['numel'], ['input'], (a, env) => pyInt(tensorArg(a.input, env).numel));
define(F, ['is_tensor'], ['obj'], (a) => pyBool(a.obj?.kind === 'tensor'));
define(F, ['is_floating_point'], ['input'], (a, env) =>
  pyBool(isFloating(tensorArg(a.input, env).dtype)),
);
define(F, ['result_type'], ['tensor1', 'tensor2'], (a, env) => ({
  kind: 'dtype',
  dtype: resultType(operandArg(a.tensor1, env, 'tensor1'), operandArg(a.tensor2, env, 'tensor2')),
}));
define(F, ['promote_types'], ['type1', 'type2'], (a, env) => {
  const t1 = dtypeArg(a.type1, env, 'type1') ?? 'float32';
  const t2 = dtypeArg(a.type2, env, 'type2') ?? 'float32';
  return { kind: 'dtype', dtype: promoteTypes(t1, t2) };
});
define(F, ['can_cast'], ['from_', 'to'], (a, env) =>
  pyBool(
    canCast(dtypeArg(a.from_, env, 'from_') ?? 'float32', dtypeArg(a.to, env, 'to') ?? 'float32'),
  ),
);

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  uint8: [0, 255],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  // flexmask's int64 is exact only to 2**53; these are PyTorch's limits, as Python ints
  int64: [-(2 ** 63), 2 ** 63 - 1],
};

define(F, ['iinfo'], ['type'], (a, env) => {
  const t = dtypeArg(a.type, env, 'type') ?? 'int64';
  const range = INT_RANGE[t];
  if (!range) return env.ctx.raise('TypeError', `torch.${t} is not supported by torch.iinfo`);
  const big = t === 'int64' ? [-(2n ** 63n), 2n ** 63n - 1n] : range.map(BigInt);
  return {
    kind: 'opaque',
    name: 'iinfo',
    attrs: new Map<string, PyValue>([
      ['min', pyInt(big[0])],
      ['max', pyInt(big[1])],
      ['bits', pyInt(t === 'uint8' ? 8 : t === 'int32' ? 32 : 64)],
      ['dtype', { kind: 'str', value: t }],
    ]),
  };
});
define(F, ['finfo'], ['type='], (a, env) => {
  const t = dtypeArg(a.type, env, 'type') ?? 'float32';
  if (!isFloating(t)) return env.ctx.raise('TypeError', `torch.${t} is not a floating point dtype`);
  const f32 = t === 'float32';
  const max = f32 ? 3.4028234663852886e38 : Number.MAX_VALUE;
  return {
    kind: 'opaque',
    name: 'finfo',
    attrs: new Map<string, PyValue>([
      ['min', pyFloat(-max)],
      ['max', pyFloat(max)],
      ['eps', pyFloat(f32 ? 2 ** -23 : Number.EPSILON)],
      ['tiny', pyFloat(f32 ? 2 ** -126 : 2 ** -1022)],
      ['smallest_normal', pyFloat(f32 ? 2 ** -126 : 2 ** -1022)],
      ['bits', pyInt(f32 ? 32 : 64)],
      ['resolution', pyFloat(f32 ? 1e-6 : 1e-15)],
      ['dtype', { kind: 'str', value: t }],
    ]),
  };
});

define(F, ['gather'], ['input', 'dim', 'index', '*', 'sparse_grad='], (a, env) =>
  T(
    gather(
      tensorArg(a.input, env),
      intArg(a.dim, env, 'dim'),
      tensorArg(a.index, env, 'index'),
      env.budget,
    ),
  ),
);
define(F, ['take_along_dim'], ['input', 'indices', 'dim='], (a, env) => {
  const x = tensorArg(a.input, env);
  const idx = tensorArg(a.indices, env, 'indices');
  if (isNone(a.dim))
    return T(gather(reshape(x, [-1], env.budget), 0, reshape(idx, [-1], env.budget), env.budget));
  const d = normalizeDim(intArg(a.dim, env, 'dim'), x.ndim);
  const shapeX = x.shape.map((s, j) => (j === d ? s : Math.max(s, idx.shape[j] ?? 1)));
  const shapeI = idx.shape.map((s, j) => (j === d ? s : Math.max(s, x.shape[j])));
  return T(gather(expand(x, shapeX), d, expand(idx, shapeI), env.budget));
});
define(F, ['masked_select'], ['input', 'mask'], (a, env) => {
  const x = tensorArg(a.input, env);
  const mask = tensorArg(a.mask, env, 'mask');
  if (mask.dtype !== 'bool') {
    return env.ctx.raise('RuntimeError', `masked_select: expected BoolTensor for mask`);
  }
  const shape = broadcastShapes(x.shape, mask.shape);
  return T(getItem(expand(x, shape), [{ kind: 'tensor', array: expand(mask, shape) }], env.budget));
});
define(F, ['index_select'], ['input', 'dim', 'index'], (a, env) =>
  T(
    indexSelect(
      tensorArg(a.input, env),
      intArg(a.dim, env, 'dim'),
      tensorArg(a.index, env, 'index'),
      env.budget,
    ),
  ),
);

/** scatter(input, dim, index, src=..., value=...): a copy of input with the values written. */
function scatterValue(a: Args, env: Env): NdArray | number {
  const src = a.src ?? a.value;
  if (src !== undefined && src.kind === 'tensor') return src.array;
  return numberArg(src, env, 'src').scalar;
}
define(F, ['scatter'], ['input', 'dim', 'index', 'src=', '*', 'value=', 'reduce='], (a, env) => {
  if (!isNone(a.reduce))
    return env.ctx.raise('NotImplementedError', 'flexmask: scatter(reduce=...) is not supported');
  const out = cloneArray(tensorArg(a.input, env), env.budget);
  scatterInto(
    out,
    intArg(a.dim, env, 'dim'),
    tensorArg(a.index, env, 'index'),
    scatterValue(a, env),
    false,
  );
  return T(out);
});
define(F, ['scatter_add'], ['input', 'dim', 'index', 'src'], (a, env) => {
  const out = cloneArray(tensorArg(a.input, env), env.budget);
  scatterInto(
    out,
    intArg(a.dim, env, 'dim'),
    tensorArg(a.index, env, 'index'),
    tensorArg(a.src, env, 'src'),
    true,
  );
  return T(out);
});
define(F, ['index_fill'], ['input', 'dim', 'index', 'value'], (a, env) => {
  const out = cloneArray(tensorArg(a.input, env), env.budget);
  indexFillInto(
    out,
    intArg(a.dim, env, 'dim'),
    tensorArg(a.index, env, 'index'),
    numberArg(a.value, env, 'value').scalar,
    env.budget,
  );
  return T(out);
});
