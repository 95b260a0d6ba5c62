/**
 * The argument side of the concrete torch binding: binding a call's positional and keyword
 * arguments to PyTorch's parameter names, converting Python values to tensors, operands, dims,
 * shapes and dtypes (with PyTorch's TypeError wording), and tensors back to Python values.
 */
import { TensorError, castValue, isFloating, type DType } from '../tensor/dtype';
import { isScalar, scalar, type Operand, type Scalar, astype } from '../tensor/elementwise';
import { fromValues } from '../tensor/creation';
import { NdArray, checkRank, cloneArray, type Budget } from '../tensor/ndarray';
import {
  pyBool,
  pyFloat,
  pyInt,
  pyList,
  pyTensor,
  pyTuple,
  type CallArgs,
  type CallContext,
  type NativeCall,
  type PyTuple,
  type PyValue,
} from './values';

export type Args = Record<string, PyValue | undefined>;

/** What a binding body gets: the call's context, its element budget, and the function's name. */
export interface Env {
  ctx: CallContext;
  budget: Budget;
  name: string;
}

/** Keywords PyTorch factories and ops take that mean nothing on flexmask's CPU tensors. */
const IGNORED_KEYWORDS = new Set([
  'device',
  'requires_grad',
  'pin_memory',
  'layout',
  'memory_format',
  'non_blocking',
]);

export function budgetOf(ctx: CallContext): Budget {
  return { charge: (n) => ctx.chargeElements(n) };
}

/** Python's type name, as PyTorch's argument errors print it. */
export function typeName(v: PyValue): string {
  switch (v.kind) {
    case 'none':
      return 'NoneType';
    case 'tensor':
    case 'sym':
    case 'symtable':
      return 'Tensor';
    case 'dtype':
      return 'torch.dtype';
    case 'device':
      return 'torch.device';
    case 'native':
      return 'builtin_function_or_method';
    case 'instance':
      return v.cls.name;
    case 'opaque':
      return v.name;
    default:
      return v.kind;
  }
}

/**
 * Runs body with a TensorError turned into the Python exception it names. Traced values never
 * reach the concrete library; if one does, it is a TypeError rather than a wrong answer.
 */
export function guarded<T>(ctx: CallContext, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof TensorError) return ctx.raise(e.cls, e.message);
    throw e;
  }
}

/**
 * Binds arguments to parameter names. A spec is `name` (required), `name=` (optional), `*`
 * (what follows is keyword-only) or `*name` (collects the remaining positionals as a tuple).
 */
export function bindArgs(
  name: string,
  args: CallArgs,
  ctx: CallContext,
  spec: readonly string[],
): Args {
  const out: Args = {};
  const positional: string[] = [];
  const known = new Set<string>();
  let varargs: string | undefined;
  let keywordOnly = false;
  for (const p of spec) {
    if (p === '*') {
      keywordOnly = true;
      continue;
    }
    if (p.startsWith('*')) {
      varargs = p.slice(1);
      keywordOnly = true;
      continue;
    }
    const n = p.endsWith('=') ? p.slice(0, -1) : p;
    known.add(n);
    if (!keywordOnly) positional.push(n);
  }
  args.positional.forEach((v, k) => {
    if (k < positional.length) {
      out[positional[k]] = v;
    } else if (varargs === undefined) {
      ctx.raise(
        'TypeError',
        `${name}() takes ${positional.length} positional argument${positional.length === 1 ? '' : 's'} but ${args.positional.length} were given`,
      );
    }
  });
  if (varargs !== undefined) {
    out[varargs] = { kind: 'tuple', items: args.positional.slice(positional.length) };
  }
  for (const [key, value] of args.keywords) {
    const k = key === 'axis' && known.has('dim') ? 'dim' : key;
    if (key === 'out') {
      if (value.kind === 'none') continue;
      ctx.raise(
        'TypeError',
        `${name}(): flexmask does not support out=; assign the result instead`,
      );
    }
    if (!known.has(k)) {
      if (IGNORED_KEYWORDS.has(key)) continue;
      ctx.raise('TypeError', `${name}() got an unexpected keyword argument '${key}'`);
    }
    if (out[k] !== undefined)
      ctx.raise('TypeError', `${name}() got multiple values for argument '${k}'`);
    out[k] = value;
  }
  for (const p of spec) {
    if (p === '*' || p.startsWith('*') || p.endsWith('=')) continue;
    if (out[p] === undefined) ctx.raise('TypeError', `${name}() missing required argument '${p}'`);
  }
  return out;
}

/** A body with bound arguments, its TensorErrors raised as Python exceptions. */
export function binding(
  name: string,
  spec: readonly string[],
  body: (a: Args, env: Env) => PyValue,
): NativeCall {
  return (args, ctx) =>
    guarded(ctx, () => body(bindArgs(name, args, ctx, spec), { ctx, budget: budgetOf(ctx), name }));
}

export function isNone(v: PyValue | undefined): v is undefined {
  return v === undefined || v.kind === 'none';
}

function refuseTraced(v: PyValue, env: Env): void {
  if (v.kind === 'sym' || v.kind === 'symtable') {
    env.ctx.raise(
      'TypeError',
      `${env.name}(): a traced value (one computed from q_idx, kv_idx, b, h or score) cannot be used in setup-time tensor code`,
    );
  }
}

function argError(env: Env, arg: string, expected: string, v: PyValue): never {
  refuseTraced(v, env);
  return env.ctx.raise(
    'TypeError',
    `${env.name}(): argument '${arg}' must be ${expected}, not ${typeName(v)}`,
  );
}

/** A Python int's value as a number (exact up to 2**53; beyond, int64 casts raise). */
export function intNumber(v: bigint): number {
  return Number(v);
}

export function tensorArg(v: PyValue | undefined, env: Env, arg = 'input'): NdArray {
  if (v === undefined)
    return env.ctx.raise('TypeError', `${env.name}() missing required argument '${arg}'`);
  if (v.kind === 'tensor') return v.array;
  return argError(env, arg, 'Tensor', v);
}

export function optTensorArg(v: PyValue | undefined, env: Env, arg: string): NdArray | undefined {
  return isNone(v) ? undefined : tensorArg(v, env, arg);
}

/** A Python number (or one-element tensor) as a weak scalar, or undefined if v is neither. */
export function scalarOf(v: PyValue): Scalar | undefined {
  switch (v.kind) {
    case 'int':
      return scalar(intNumber(v.value), 'int');
    case 'float':
      return scalar(v.value, 'float');
    case 'bool':
      return scalar(v.value ? 1 : 0, 'bool');
    default:
      return undefined;
  }
}

/** A tensor, or a Python number as a weak scalar, or a (nested) list made a tensor. */
export function operandArg(v: PyValue | undefined, env: Env, arg: string): Operand {
  if (v === undefined)
    return env.ctx.raise('TypeError', `${env.name}() missing required argument '${arg}'`);
  if (v.kind === 'tensor') return v.array;
  const s = scalarOf(v);
  if (s) return s;
  if (v.kind === 'list' || v.kind === 'tuple') return tensorFromPython(v, undefined, env);
  return argError(env, arg, 'Tensor or Number', v);
}

export function numberArg(v: PyValue | undefined, env: Env, arg: string): Scalar {
  if (v !== undefined) {
    const s = scalarOf(v);
    if (s) return s;
    if (v.kind === 'tensor' && v.array.numel === 1) {
      const a = v.array;
      const kind = a.dtype === 'bool' ? 'bool' : isFloating(a.dtype) ? 'float' : 'int';
      return scalar(a.data[a.offset], kind);
    }
    return argError(env, arg, 'Number', v);
  }
  return env.ctx.raise('TypeError', `${env.name}() missing required argument '${arg}'`);
}

export function intArg(v: PyValue | undefined, env: Env, arg: string, fallback?: number): number {
  if (isNone(v)) {
    if (fallback !== undefined) return fallback;
    return env.ctx.raise('TypeError', `${env.name}(): argument '${arg}' must be int, not NoneType`);
  }
  if (v.kind === 'int') return intNumber(v.value);
  if (v.kind === 'bool') return v.value ? 1 : 0;
  if (v.kind === 'tensor' && v.array.numel === 1 && !isFloating(v.array.dtype)) {
    return v.array.data[v.array.offset];
  }
  return argError(env, arg, 'int', v);
}

export function optIntArg(v: PyValue | undefined, env: Env, arg: string): number | null {
  return isNone(v) ? null : intArg(v, env, arg);
}

export function boolArg(v: PyValue | undefined, env: Env, arg: string, fallback: boolean): boolean {
  if (isNone(v)) return fallback;
  if (v.kind === 'bool') return v.value;
  if (v.kind === 'int') return v.value !== 0n;
  return argError(env, arg, 'bool', v);
}

export function floatArg(v: PyValue | undefined, env: Env, arg: string, fallback?: number): number {
  if (isNone(v)) {
    if (fallback !== undefined) return fallback;
    return env.ctx.raise(
      'TypeError',
      `${env.name}(): argument '${arg}' must be float, not NoneType`,
    );
  }
  return numberArg(v, env, arg).scalar;
}

export function strArg(v: PyValue | undefined, env: Env, arg: string, fallback: string): string {
  if (isNone(v)) return fallback;
  if (v.kind === 'str') return v.value;
  return argError(env, arg, 'str', v);
}

/** The items of a tuple, list or other iterable (charged per item by the evaluator). */
export function itemsOf(v: PyValue, env: Env): PyValue[] {
  if (v.kind === 'tuple' || v.kind === 'list') return v.items;
  return [...env.ctx.iterate(v)];
}

/** An int or a sequence of ints (dims, sizes, shifts); a 1-d int tensor is accepted too. */
export function intListArg(v: PyValue | undefined, env: Env, arg: string): number[] {
  if (v === undefined)
    return env.ctx.raise('TypeError', `${env.name}() missing required argument '${arg}'`);
  if (v.kind === 'int' || v.kind === 'bool') return [intArg(v, env, arg)];
  if (v.kind === 'tuple' || v.kind === 'list') return v.items.map((x) => intArg(x, env, arg));
  if (v.kind === 'tensor' && !isFloating(v.array.dtype) && v.array.ndim <= 1) {
    return Array.from(cloneArray(v.array, env.budget).data);
  }
  return argError(env, arg, 'tuple of ints', v);
}

/** dim=None (null) or an int or a tuple of ints. */
export function dimsArg(v: PyValue | undefined, env: Env, arg = 'dim'): number[] | null {
  return isNone(v) ? null : intListArg(v, env, arg);
}

/** Sizes given as `f(2, 3)` or `f((2, 3))` / `f([2, 3])` / `f(torch.Size)`. */
export function sizesArg(items: PyValue[], env: Env, arg = 'size'): number[] {
  if (items.length === 1 && items[0].kind !== 'int' && items[0].kind !== 'bool') {
    return intListArg(items[0], env, arg);
  }
  return items.map((x) => intArg(x, env, arg));
}

/** torch.bool, torch.int32, ... and the Python types int, float, bool (torch maps them too). */
export function dtypeArg(v: PyValue | undefined, env: Env, arg = 'dtype'): DType | undefined {
  if (isNone(v)) return undefined;
  if (v.kind === 'dtype') return v.dtype;
  if (v.kind === 'class') {
    if (v.name === 'int') return 'int64';
    if (v.name === 'float') return 'float64';
    if (v.name === 'bool') return 'bool';
  }
  return argError(env, arg, 'torch.dtype', v);
}

export function tensorListArg(v: PyValue | undefined, env: Env, arg = 'tensors'): NdArray[] {
  if (v === undefined)
    return env.ctx.raise('TypeError', `${env.name}() missing required argument '${arg}'`);
  if (v.kind === 'tensor') return argError(env, arg, 'tuple of Tensors', v);
  return itemsOf(v, env).map((x) => tensorArg(x, env, arg));
}

// ---------------------------------------------------------------------------------------------
// Python values <-> tensors

function isSequence(v: PyValue): boolean {
  return v.kind === 'list' || v.kind === 'tuple' || v.kind === 'range';
}

function sequenceItems(v: PyValue, env: Env): PyValue[] {
  if (v.kind === 'range') {
    const n = rangeLength(v.start, v.stop, v.step);
    env.budget.charge(n);
    const out: PyValue[] = [];
    for (let k = 0; k < n; k++) out.push(pyInt(v.start + BigInt(k) * v.step));
    return out;
  }
  return itemsOf(v, env);
}

function rangeLength(start: bigint, stop: bigint, step: bigint): number {
  if (step > 0n) return stop > start ? Number((stop - start + step - 1n) / step) : 0;
  return start > stop ? Number((start - stop - step - 1n) / -step) : 0;
}

/**
 * torch.tensor(data): nested lists / tuples of numbers (and one-element tensors), walked level
 * by level so that no recursion follows the data's depth. Without a dtype: bool if all are bools,
 * int64 if all are ints or bools, else float32.
 */
export function tensorFromPython(value: PyValue, dtype: DType | undefined, env: Env): NdArray {
  if (value.kind === 'tensor') {
    const a = value.array;
    return dtype && dtype !== a.dtype ? astype(a, dtype, env.budget) : cloneArray(a, env.budget);
  }
  const shape: number[] = [];
  let level: PyValue[] = [value];
  while (level.length > 0 && isSequence(level[0])) {
    const rows = level.map((v) => {
      if (!isSequence(v)) {
        return env.ctx.raise(
          'TypeError',
          `${env.name}(): a sequence mixes numbers and sequences at dim ${shape.length}`,
        );
      }
      return sequenceItems(v, env);
    });
    const n = rows[0].length;
    rows.forEach((r) => {
      if (r.length !== n) {
        env.ctx.raise(
          'ValueError',
          `expected sequence of length ${n} at dim ${shape.length} (got ${r.length})`,
        );
      }
    });
    shape.push(n);
    checkRank(shape.length);
    level = rows.flat();
  }
  let kind: 'bool' | 'int' | 'float' = 'bool';
  const numbers = level.map((v) => {
    let s: Scalar | undefined = scalarOf(v);
    if (!s && v.kind === 'tensor') {
      if (v.array.numel !== 1) {
        return env.ctx.raise(
          'ValueError',
          'only one element tensors can be converted to Python scalars',
        );
      }
      const a = v.array;
      s = scalar(
        a.data[a.offset],
        a.dtype === 'bool' ? 'bool' : isFloating(a.dtype) ? 'float' : 'int',
      );
    }
    if (!s) {
      if (isSequence(v)) {
        return env.ctx.raise(
          'TypeError',
          `${env.name}(): a sequence mixes numbers and sequences at dim ${shape.length}`,
        );
      }
      refuseTraced(v, env);
      return env.ctx.raise(
        'TypeError',
        `${env.name}(): could not convert ${typeName(v)} to a tensor element`,
      );
    }
    if (s.kind === 'float') kind = 'float';
    else if (s.kind === 'int' && kind === 'bool') kind = 'int';
    return s.scalar;
  });
  const inferred: DType =
    level.length === 0
      ? 'float32'
      : kind === 'bool'
        ? 'bool'
        : kind === 'int'
          ? 'int64'
          : 'float32';
  return fromValues(numbers, shape, dtype ?? inferred, env.budget);
}

/** One stored value as the Python number PyTorch's item() gives. */
export function pythonScalar(v: number, dtype: DType): PyValue {
  if (dtype === 'bool') return pyBool(v !== 0);
  if (isFloating(dtype)) return pyFloat(v);
  return pyInt(BigInt(castValue(v, 'int64')));
}

/** `tolist()`: nested lists (a Python number for a 0-d tensor), built without recursion. */
export function tensorToList(a: NdArray, env: Env): PyValue {
  if (a.ndim === 0) return pythonScalar(a.data[a.offset], a.dtype);
  env.budget.charge(a.numel);
  const values = cloneArray(a, { charge: () => undefined }).data;
  let level: PyValue[] = Array.from(values, (v) => pythonScalar(v, a.dtype));
  for (let d = a.ndim - 1; d >= 0; d--) {
    const n = a.shape[d];
    const groups = n === 0 ? a.shape.slice(0, d).reduce((p, s) => p * s, 1) : level.length / n;
    const next: PyValue[] = [];
    for (let g = 0; g < groups; g++) next.push(pyList(level.slice(g * n, g * n + n)));
    level = next;
  }
  return level[0] ?? pyList([]);
}

/** An Env for code that has a call context but no bound arguments. */
export function envOf(ctx: CallContext, name: string): Env {
  return { ctx, budget: budgetOf(ctx), name };
}

/** `item()`: the one element as a Python int, float or bool. */
export function tensorItem(t: NdArray, ctx: CallContext): PyValue {
  if (t.numel !== 1) {
    return ctx.raise(
      'RuntimeError',
      `a Tensor with ${t.numel} elements cannot be converted to Scalar`,
    );
  }
  return pythonScalar(t.data[t.offset], t.dtype);
}

/** PyTorch's legacy tensor type names (`x.type()`, and its setitem message). */
export const TENSOR_TYPE: Record<DType, string> = {
  bool: 'torch.BoolTensor',
  uint8: 'torch.ByteTensor',
  int32: 'torch.IntTensor',
  int64: 'torch.LongTensor',
  float32: 'torch.FloatTensor',
  float64: 'torch.DoubleTensor',
};

// ---------------------------------------------------------------------------------------------
// Helpers of the function tables

export type Table = Record<string, NativeCall>;

export const T = pyTensor;

export function named(fields: string[], items: PyValue[]): PyTuple {
  return { kind: 'tuple', items, fields };
}

export function tensors(list: NdArray[]): PyValue {
  return pyTuple(list.map(T));
}

export function define(
  table: Table,
  names: string[],
  spec: string[],
  body: (a: Args, env: Env) => PyValue,
): void {
  for (const name of names) table[name] = binding(name, spec, body);
}

/** Two operands of which at least one is a tensor (torch.add(1, 2) is a TypeError in PyTorch). */
export function operands(a: Args, env: Env, first: string, second: string): [Operand, Operand] {
  const x = operandArg(a[first], env, first);
  const y = operandArg(a[second], env, second);
  if (isScalar(x) && isScalar(y)) {
    return env.ctx.raise(
      'TypeError',
      `${env.name}(): argument '${first}' must be Tensor, not a number`,
    );
  }
  return [x, y];
}

/** A Python number or a tensor for a bound (clamp) or a value (where): undefined for None. */
export function optOperand(v: PyValue | undefined, env: Env, arg: string): Operand | undefined {
  return isNone(v) ? undefined : operandArg(v, env, arg);
}

/** A float copy of an integer tensor (softmax and friends compute in the default float type). */
export function floatInput(x: NdArray, env: Env): NdArray {
  return isFloating(x.dtype) ? x : astype(x, 'float32', env.budget);
}
