/**
 * `torch.<name>` and `torch.nn.functional.<name>` on concrete (setup-time) arguments: each entry
 * binds PyTorch's parameter names, converts the Python values and calls the tensor library.
 * Tensor methods (torchConcreteMethods.ts) reuse these entries with the tensor as first argument.
 */
import { binary, erf, mapFloat, mapUnary, unary } from '../tensor/elementwise';
import { pad } from '../tensor/creation';
import { emptyArray, valuesOf } from '../tensor/ndarray';
import { reduce } from '../tensor/reductions';
import {
  floatArg,
  intArg,
  intListArg,
  isNone,
  numberArg,
  strArg,
  tensorArg,
  T,
  define,
  floatInput,
  type Table,
} from './torchConcreteArgs';
import type { NativeCall } from './values';
import { MATH_FUNCTIONS } from './torchConcreteMath';
import { REDUCTION_FUNCTIONAL, REDUCTION_FUNCTIONS } from './torchConcreteReductions';
import { CREATION_FUNCTIONS } from './torchConcreteCreation';
import { SHAPE_FUNCTIONS } from './torchConcreteShapes';

export const TORCH_FUNCTIONS: Table = {
  ...MATH_FUNCTIONS,
  ...REDUCTION_FUNCTIONS,
  ...CREATION_FUNCTIONS,
  ...SHAPE_FUNCTIONS,
};
export const FUNCTIONAL_FUNCTIONS: Table = { ...REDUCTION_FUNCTIONAL };

// ---------------------------------------------------------------------------------------------
// torch.nn.functional

const NF = FUNCTIONAL_FUNCTIONS;

define(NF, ['pad'], ['input', 'pad', 'mode=', 'value='], (a, env) => {
  const x = tensorArg(a.input, env);
  const mode = strArg(a.mode, env, 'mode', 'constant');
  if (mode !== 'constant') {
    return env.ctx.raise(
      'NotImplementedError',
      `flexmask: F.pad supports mode='constant' only (got '${mode}')`,
    );
  }
  const value = isNone(a.value) ? 0 : numberArg(a.value, env, 'value').scalar;
  return T(pad(x, intListArg(a.pad, env, 'pad'), value, env.budget));
});
define(NF, ['relu'], ['input', 'inplace='], (a, env) =>
  T(unary('relu', tensorArg(a.input, env), env.budget)),
);
define(NF, ['sigmoid'], ['input'], (a, env) =>
  T(unary('sigmoid', tensorArg(a.input, env), env.budget)),
);
define(NF, ['tanh'], ['input'], (a, env) => T(unary('tanh', tensorArg(a.input, env), env.budget)));
define(NF, ['silu'], ['input', 'inplace='], (a, env) =>
  T(mapFloat(tensorArg(a.input, env), (x) => x / (1 + Math.exp(-x)), env.budget)),
);
define(NF, ['gelu'], ['input', 'approximate='], (a, env) => {
  const x = tensorArg(a.input, env);
  const approximate = strArg(a.approximate, env, 'approximate', 'none');
  if (approximate === 'tanh') {
    const k = Math.sqrt(2 / Math.PI);
    return T(
      mapFloat(x, (v) => 0.5 * v * (1 + Math.tanh(k * (v + 0.044715 * v * v * v))), env.budget),
    );
  }
  if (approximate !== 'none') {
    return env.ctx.raise('RuntimeError', `approximate argument must be either none or tanh.`);
  }
  return T(mapFloat(x, (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)), env.budget));
});
define(NF, ['softplus'], ['input', 'beta=', 'threshold='], (a, env) => {
  const beta = floatArg(a.beta, env, 'beta', 1);
  const threshold = floatArg(a.threshold, env, 'threshold', 20);
  return T(
    mapFloat(
      tensorArg(a.input, env),
      (v) => (v * beta > threshold ? v : Math.log1p(Math.exp(v * beta)) / beta),
      env.budget,
    ),
  );
});
define(NF, ['leaky_relu'], ['input', 'negative_slope=', 'inplace='], (a, env) => {
  const slope = floatArg(a.negative_slope, env, 'negative_slope', 0.01);
  return T(mapFloat(tensorArg(a.input, env), (v) => (v > 0 ? v : v * slope), env.budget));
});
define(NF, ['one_hot'], ['tensor', 'num_classes='], (a, env) => {
  const x = tensorArg(a.tensor, env, 'tensor');
  if (x.dtype !== 'int64') {
    return env.ctx.raise(
      'RuntimeError',
      'one_hot is only applicable to index tensor of type LongTensor.',
    );
  }
  const values = valuesOf(x, env.budget);
  let classes = intArg(a.num_classes, env, 'num_classes', -1);
  if (classes === -1) classes = values.reduce((m, v) => Math.max(m, v + 1), 0);
  for (const v of values) {
    if (v < 0) return env.ctx.raise('RuntimeError', 'Class values must be non-negative.');
    if (v >= classes)
      return env.ctx.raise('RuntimeError', 'Class values must be smaller than num_classes.');
  }
  const out = emptyArray([...x.shape, classes], 'int64', env.budget);
  values.forEach((v, i) => {
    out.data[i * classes + v] = 1;
  });
  return T(out);
});
define(NF, ['normalize'], ['input', 'p=', 'dim=', 'eps='], (a, env) => {
  const x = floatInput(tensorArg(a.input, env), env);
  const p = floatArg(a.p, env, 'p', 2);
  const dim = intArg(a.dim, env, 'dim', 1);
  const eps = floatArg(a.eps, env, 'eps', 1e-12);
  const powered = mapUnary(x, x.dtype, (v) => Math.abs(v) ** p, env.budget);
  const norm = mapUnary(
    reduce('sum', powered, [dim], true, env.budget),
    x.dtype,
    (v) => Math.max(v ** (1 / p), eps),
    env.budget,
  );
  return T(binary('div', x, norm, env.budget));
});

/** Internal: a tensor op for the in-place method forms is any entry of this table. */
export function torchFunction(name: string): NativeCall | undefined {
  return Object.prototype.hasOwnProperty.call(TORCH_FUNCTIONS, name)
    ? TORCH_FUNCTIONS[name]
    : undefined;
}
