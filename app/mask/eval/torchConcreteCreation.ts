/**
 * `torch.<name>` for building tensors: from data (tensor, as_tensor), ranges (arange, linspace),
 * fills (zeros, ones, full, eye and their `_like` forms), meshgrid, and the functions that join
 * or rearrange whole tensors into new ones (cat, stack, block_diag, repeat_interleave, flip, roll,
 * triu / tril, tile) and the matrix products. Its table is merged with the others in
 * torchConcreteFunctions.ts.
 */
import { promoteTypes, type DType } from '../tensor/dtype';
import {
  arange,
  cat,
  eye,
  flip,
  full,
  linspace,
  meshgrid,
  repeat,
  repeatInterleave,
  repeatInterleaveCounts,
  roll,
  stack,
  triangle,
} from '../tensor/creation';
import { bmm, dot, matmul, mm, outer } from '../tensor/linalg';
import { copyInto } from '../tensor/writes';
import { reshape, sliceDim } from '../tensor/strided';
import {
  dtypeArg,
  intArg,
  intListArg,
  isNone,
  numberArg,
  optIntArg,
  sizesArg,
  strArg,
  tensorArg,
  tensorFromPython,
  tensorListArg,
  type Args,
  type Env,
  T,
  define,
  tensors,
  type Table,
} from './torchConcreteArgs';
import { NONE } from './values';

const F: Table = {};
export const CREATION_FUNCTIONS = F;
// ---------------------------------------------------------------------------------------------
// Construction

function factoryDType(a: Args, env: Env, fallback: DType): DType {
  return dtypeArg(a.dtype, env) ?? fallback;
}

define(F, ['tensor'], ['data', '*', 'dtype='], (a, env) => {
  const data = a.data;
  if (data === undefined)
    return env.ctx.raise('TypeError', "tensor() missing required argument 'data'");
  return T(tensorFromPython(data, dtypeArg(a.dtype, env), env));
});
define(F, ['as_tensor', 'asarray'], ['data', 'dtype='], (a, env) => {
  const data = a.data;
  if (data === undefined)
    return env.ctx.raise('TypeError', `${env.name}() missing required argument 'data'`);
  const dtype = dtypeArg(a.dtype, env);
  if (data.kind === 'tensor' && (dtype === undefined || dtype === data.array.dtype)) return data;
  return T(tensorFromPython(data, dtype, env));
});

define(F, ['arange'], ['start', 'end=', 'step=', '*', 'dtype='], (a, env) => {
  const hasEnd = !isNone(a.end);
  const start = hasEnd ? numberArg(a.start, env, 'start') : { scalar: 0, kind: 'int' as const };
  const end = hasEnd ? numberArg(a.end, env, 'end') : numberArg(a.start, env, 'end');
  const step = isNone(a.step)
    ? { scalar: 1, kind: 'int' as const }
    : numberArg(a.step, env, 'step');
  const anyFloat = [start, end, step].some((s) => s.kind === 'float');
  const dtype = factoryDType(a, env, anyFloat ? 'float32' : 'int64');
  return T(arange(start.scalar, end.scalar, step.scalar, dtype, env.budget));
});

define(F, ['linspace'], ['start', 'end', 'steps', '*', 'dtype='], (a, env) =>
  T(
    linspace(
      numberArg(a.start, env, 'start').scalar,
      numberArg(a.end, env, 'end').scalar,
      intArg(a.steps, env, 'steps'),
      factoryDType(a, env, 'float32'),
      env.budget,
    ),
  ),
);

function factorySizes(a: Args, env: Env): number[] {
  const items = a.sizes?.kind === 'tuple' ? a.sizes.items : [];
  if (items.length > 0) return sizesArg(items, env);
  if (!isNone(a.size)) return intListArg(a.size, env, 'size');
  return env.ctx.raise(
    'TypeError',
    `${env.name}() missing 1 required positional arguments: "size"`,
  );
}

for (const [name, value] of [
  ['zeros', 0],
  ['ones', 1],
  ['empty', 0],
] as const) {
  define(F, [name], ['*sizes', 'size=', 'dtype='], (a, env) =>
    T(full(factorySizes(a, env), value, factoryDType(a, env, 'float32'), env.budget)),
  );
  define(F, [`${name}_like`], ['input', '*', 'dtype='], (a, env) => {
    const x = tensorArg(a.input, env);
    return T(full(x.shape, value, factoryDType(a, env, x.dtype), env.budget));
  });
}

/** full's dtype follows the fill value: bool, int64 or float32. */
function fillDType(v: { kind: 'bool' | 'int' | 'float' }): DType {
  return v.kind === 'bool' ? 'bool' : v.kind === 'int' ? 'int64' : 'float32';
}

define(F, ['full'], ['size', 'fill_value', '*', 'dtype='], (a, env) => {
  const fill = numberArg(a.fill_value, env, 'fill_value');
  return T(
    full(
      intListArg(a.size, env, 'size'),
      fill.scalar,
      factoryDType(a, env, fillDType(fill)),
      env.budget,
    ),
  );
});
define(F, ['full_like'], ['input', 'fill_value', '*', 'dtype='], (a, env) => {
  const x = tensorArg(a.input, env);
  const fill = numberArg(a.fill_value, env, 'fill_value');
  return T(full(x.shape, fill.scalar, factoryDType(a, env, x.dtype), env.budget));
});
define(F, ['eye'], ['n', 'm=', '*', 'dtype='], (a, env) => {
  const n = intArg(a.n, env, 'n');
  const m = intArg(a.m, env, 'm', n);
  return T(eye(n, m, factoryDType(a, env, 'float32'), env.budget));
});

for (const name of [
  'rand',
  'randn',
  'randint',
  'randperm',
  'rand_like',
  'randn_like',
  'randint_like',
  'multinomial',
  'bernoulli',
  'normal',
]) {
  F[name] = (_args, ctx) =>
    ctx.raise(
      'NotImplementedError',
      `flexmask: torch.${name} is not supported (random numbers could not match PyTorch's); build the tensor from fixed values`,
    );
}
F.manual_seed = () => NONE;

define(F, ['meshgrid'], ['*tensors', 'indexing='], (a, env) => {
  const items = a.tensors?.kind === 'tuple' ? a.tensors.items : [];
  const list =
    items.length === 1 && items[0].kind !== 'tensor'
      ? tensorListArg(items[0], env)
      : items.map((x) => tensorArg(x, env, 'tensors'));
  const indexing = strArg(a.indexing, env, 'indexing', 'ij');
  if (indexing !== 'ij' && indexing !== 'xy') {
    return env.ctx.raise(
      'RuntimeError',
      `torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${indexing}`,
    );
  }
  return tensors(meshgrid(list, indexing));
});

// ---------------------------------------------------------------------------------------------
// Joining and rearranging

define(F, ['cat', 'concat', 'concatenate'], ['tensors', 'dim='], (a, env) =>
  T(cat(tensorListArg(a.tensors, env), intArg(a.dim, env, 'dim', 0), env.budget)),
);
define(F, ['stack'], ['tensors', 'dim='], (a, env) =>
  T(stack(tensorListArg(a.tensors, env), intArg(a.dim, env, 'dim', 0), env.budget)),
);
define(F, ['block_diag'], ['*tensors'], (a, env) => {
  const list = (a.tensors?.kind === 'tuple' ? a.tensors.items : []).map((x) => {
    const t = tensorArg(x, env, 'tensors');
    if (t.ndim > 2) {
      return env.ctx.raise(
        'RuntimeError',
        `torch.block_diag: Input tensors must have 2 or fewer dimensions. Input ${t.ndim} has ${t.ndim} dimensions`,
      );
    }
    return t.ndim === 2 ? t : reshape(t, [1, -1], env.budget);
  });
  const dtype = list.map((t) => t.dtype).reduce(promoteTypes, 'bool');
  const rows = list.reduce((n, t) => n + t.shape[0], 0);
  const cols = list.reduce((n, t) => n + t.shape[1], 0);
  const out = full([rows, cols], 0, dtype, env.budget);
  let r = 0;
  let c = 0;
  for (const t of list) {
    const block = sliceDim(sliceDim(out, 0, r, r + t.shape[0], 1), 1, c, c + t.shape[1], 1);
    copyInto(block, t, env.budget);
    r += t.shape[0];
    c += t.shape[1];
  }
  return T(out);
});
define(F, ['hstack'], ['tensors'], (a, env) => {
  const list = tensorListArg(a.tensors, env).map((t) =>
    t.ndim === 0 ? reshape(t, [1], env.budget) : t,
  );
  return T(cat(list, list.length > 0 && list[0].ndim === 1 ? 0 : 1, env.budget));
});
define(F, ['vstack', 'row_stack'], ['tensors'], (a, env) => {
  const list = tensorListArg(a.tensors, env).map((t) =>
    t.ndim < 2 ? reshape(t, [1, -1], env.budget) : t,
  );
  return T(cat(list, 0, env.budget));
});

define(F, ['repeat_interleave'], ['input', 'repeats=', 'dim=', '*', 'output_size='], (a, env) => {
  const x = tensorArg(a.input, env);
  if (isNone(a.repeats)) return T(repeatInterleaveCounts(x, env.budget));
  const r = a.repeats;
  const repeats = r !== undefined && r.kind === 'tensor' ? r.array : intArg(r, env, 'repeats');
  return T(repeatInterleave(x, repeats, optIntArg(a.dim, env, 'dim'), env.budget));
});

define(F, ['flip'], ['input', 'dims'], (a, env) =>
  T(flip(tensorArg(a.input, env), intListArg(a.dims, env, 'dims'), env.budget)),
);
define(F, ['fliplr'], ['input'], (a, env) => T(flip(tensorArg(a.input, env), [1], env.budget)));
define(F, ['flipud'], ['input'], (a, env) => T(flip(tensorArg(a.input, env), [0], env.budget)));
define(F, ['roll'], ['input', 'shifts', 'dims='], (a, env) =>
  T(
    roll(
      tensorArg(a.input, env),
      intListArg(a.shifts, env, 'shifts'),
      isNone(a.dims) ? [] : intListArg(a.dims, env, 'dims'),
      env.budget,
    ),
  ),
);
for (const upper of [false, true]) {
  define(F, [upper ? 'triu' : 'tril'], ['input', 'diagonal='], (a, env) =>
    T(triangle(tensorArg(a.input, env), intArg(a.diagonal, env, 'diagonal', 0), upper, env.budget)),
  );
}
define(F, ['tile'], ['input', 'dims'], (a, env) => {
  const x = tensorArg(a.input, env);
  const dims = intListArg(a.dims, env, 'dims');
  const padded = [...new Array<number>(Math.max(0, x.ndim - dims.length)).fill(1), ...dims];
  return T(repeat(x, padded, env.budget));
});

define(F, ['outer', 'ger'], ['input', 'vec2'], (a, env) =>
  T(outer(tensorArg(a.input, env), tensorArg(a.vec2, env, 'vec2'), env.budget)),
);
define(F, ['matmul'], ['input', 'other'], (a, env) =>
  T(matmul(tensorArg(a.input, env), tensorArg(a.other, env, 'other'), env.budget)),
);
define(F, ['mm'], ['input', 'mat2'], (a, env) =>
  T(mm(tensorArg(a.input, env), tensorArg(a.mat2, env, 'mat2'), env.budget)),
);
define(F, ['bmm'], ['input', 'mat2'], (a, env) =>
  T(bmm(tensorArg(a.input, env), tensorArg(a.mat2, env, 'mat2'), env.budget)),
);
define(F, ['dot', 'inner'], ['input', 'other'], (a, env) =>
  T(dot(tensorArg(a.input, env), tensorArg(a.other, env, 'other'), env.budget)),
);
