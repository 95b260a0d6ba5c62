/**
 * The Python face of flexmask's concrete tensors: what `torch.<name>(...)`, tensor attributes and
 * methods, operators, `t[i]`, `t[i] = v`, `bool(t)`, `len(t)` and `for row in t` do on tensors
 * built by setup code, with PyTorch's semantics and error messages. Traced values (`sym`,
 * `symtable`) are dispatched elsewhere by the evaluator; one that reaches here is a TypeError.
 *
 * Identity: a tensor is its NdArray. Strided aliases (`t[0]`, `t.T`, ...), in-place methods and
 * `.to(same dtype)` return new PyTensor wrappers around the same storage, so `is` between tensors
 * must compare `.array`.
 */
import type { BinaryOp as AstBinaryOp, CompareOp as AstCompareOp } from '../ast';
import { TensorError, isFloating, type DType } from '../tensor/dtype';
import {
  binary,
  compare,
  unary,
  type BinaryOp,
  type CompareOp,
  type Operand,
} from '../tensor/elementwise';
import { inplaceResult } from '../tensor/writes';
import { getItem, setItem } from '../tensor/indexing';
import { matmul } from '../tensor/linalg';
import { NdArray } from '../tensor/ndarray';
import { select } from '../tensor/strided';
import { reduce } from '../tensor/reductions';
import { formatTensor } from '../tensor/format';
import {
  envOf as env,
  TENSOR_TYPE,
  budgetOf,
  guarded,
  scalarOf,
  tensorFromPython as fromPython,
  tensorToList,
  typeName,
} from './torchConcreteArgs';
import { indexParts } from './torchConcreteIndex';
import { FUNCTIONAL_FUNCTIONS, TORCH_FUNCTIONS } from './torchConcreteFunctions';
import { FALSE, TRUE, pyBool, pyTensor, type CallContext, type PyValue } from './values';

export { TORCH_FUNCTIONS, FUNCTIONAL_FUNCTIONS, formatTensor, TensorError };
export { tensorAttribute } from './torchConcreteMethods';
export { tensorItem } from './torchConcreteArgs';

/** `torch.<name>` dtypes (the aliases too). float16 / bfloat16 / int8 / int16 are not offered. */
export const TORCH_DTYPES: Record<string, DType> = {
  bool: 'bool',
  uint8: 'uint8',
  int32: 'int32',
  int: 'int32',
  int64: 'int64',
  long: 'int64',
  float32: 'float32',
  float: 'float32',
  float64: 'float64',
  double: 'float64',
};

/** torch.tensor(value, dtype=...) semantics for a Python value. */
export function tensorFromPython(
  value: PyValue,
  dtype: DType | undefined,
  ctx: CallContext,
): NdArray {
  return guarded(ctx, () => fromPython(value, dtype, env(ctx, 'tensor')));
}

/** `tolist()` (a Python number for a 0-d tensor). */
export function tensorToPython(t: NdArray, ctx: CallContext): PyValue {
  return guarded(ctx, () => tensorToList(t, env(ctx, 'tolist')));
}

/** `operator.index(t)` (range(t), list[t]): only one-element integer tensors. */
export function tensorIndex(t: NdArray, ctx: CallContext): bigint {
  if (t.numel !== 1 || isFloating(t.dtype) || t.dtype === 'bool') {
    return ctx.raise(
      'TypeError',
      'only integer tensors of a single element can be converted to an index',
    );
  }
  return BigInt(t.data[t.offset]);
}

export function tensorTruth(t: NdArray, ctx: CallContext): boolean {
  if (t.numel === 0)
    return ctx.raise('RuntimeError', 'Boolean value of Tensor with no values is ambiguous');
  if (t.numel > 1) {
    return ctx.raise(
      'RuntimeError',
      'Boolean value of Tensor with more than one value is ambiguous',
    );
  }
  return t.data[t.offset] !== 0;
}

export function tensorLength(t: NdArray, ctx: CallContext): number {
  if (t.ndim === 0) return ctx.raise('TypeError', 'len() of a 0-d tensor');
  return t.shape[0];
}

/** `for row in t`: the rows as aliases of t's storage (writing to a row writes to t). */
export function tensorIterate(t: NdArray, ctx: CallContext): PyValue[] {
  if (t.ndim === 0) return ctx.raise('TypeError', 'iteration over a 0-d tensor');
  return Array.from({ length: t.shape[0] }, (_, k) => pyTensor(select(t, 0, k)));
}

// ---------------------------------------------------------------------------------------------
// Operators

const BINARY_OPS: Record<Exclude<AstBinaryOp, '@'>, BinaryOp> = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '//': 'floor_divide',
  '%': 'remainder',
  '**': 'pow',
  '&': 'bitwise_and',
  '|': 'bitwise_or',
  '^': 'bitwise_xor',
  '<<': 'left_shift',
  '>>': 'right_shift',
};

const COMPARE_OPS: Partial<Record<AstCompareOp, CompareOp>> = {
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
  '==': 'eq',
  '!=': 'ne',
};

function refuseTraced(v: PyValue, ctx: CallContext): void {
  if (v.kind === 'sym' || v.kind === 'symtable') {
    ctx.raise('TypeError', 'a traced value cannot be combined with a setup-time tensor here');
  }
}

/** A tensor or Python number operand, or undefined (the operator does not apply). */
function operatorOperand(v: PyValue, ctx: CallContext): Operand | undefined {
  refuseTraced(v, ctx);
  if (v.kind === 'tensor') return v.array;
  return scalarOf(v);
}

function unsupported(op: string, a: PyValue, b: PyValue, ctx: CallContext): never {
  return ctx.raise(
    'TypeError',
    `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`,
  );
}

/** `a <op> b` where at least one side is a tensor. */
export function tensorBinary(op: AstBinaryOp, a: PyValue, b: PyValue, ctx: CallContext): PyValue {
  const x = operatorOperand(a, ctx);
  const y = operatorOperand(b, ctx);
  if (x === undefined || y === undefined) return unsupported(op, a, b, ctx);
  return guarded(ctx, () => {
    const budget = budgetOf(ctx);
    if (op === '@') {
      if (!(x instanceof NdArray) || !(y instanceof NdArray)) return unsupported(op, a, b, ctx);
      return pyTensor(matmul(x, y, budget));
    }
    return pyTensor(binary(BINARY_OPS[op], x, y, budget));
  });
}

/** `-t`, `+t`, `~t`. */
export function tensorUnary(op: '-' | '+' | '~', a: PyValue, ctx: CallContext): PyValue {
  refuseTraced(a, ctx);
  if (a.kind !== 'tensor')
    return ctx.raise('TypeError', `bad operand type for unary ${op}: '${typeName(a)}'`);
  const t = a.array;
  return guarded(ctx, () => {
    if (op === '+') {
      if (t.dtype === 'bool') {
        throw new TensorError(
          'RuntimeError',
          'The `+` operator, on a bool tensor is not supported.',
        );
      }
      return a;
    }
    return pyTensor(unary(op === '-' ? 'neg' : 'bitwise_not', t, budgetOf(ctx)));
  });
}

/** Comparisons where one side is a tensor (also `in`, and `is` by identity of the array). */
export function tensorCompare(op: AstCompareOp, a: PyValue, b: PyValue, ctx: CallContext): PyValue {
  if (op === 'is' || op === 'is not') {
    const same = a === b || (a.kind === 'tensor' && b.kind === 'tensor' && a.array === b.array);
    return pyBool(op === 'is' ? same : !same);
  }
  if (op === 'in' || op === 'not in') {
    if (b.kind !== 'tensor')
      return ctx.raise('TypeError', `argument of type '${typeName(b)}' is not iterable`);
    const element = operatorOperand(a, ctx);
    if (element === undefined) {
      return ctx.raise(
        'RuntimeError',
        `Tensor.__contains__ only supports Tensor or scalar, but you passed in a ${typeName(a)}.`,
      );
    }
    const found = guarded(ctx, () => {
      const budget = budgetOf(ctx);
      return (
        reduce('any', compare('eq', b.array, element, budget), null, false, budget).data[0] !== 0
      );
    });
    return pyBool(op === 'in' ? found : !found);
  }
  const cmp = COMPARE_OPS[op];
  const x = operatorOperand(a, ctx);
  const y = operatorOperand(b, ctx);
  if (cmp === undefined) return ctx.raise('TypeError', `unsupported comparison ${op} for tensors`);
  if (x === undefined || y === undefined) {
    // Tensor.__eq__ answers NotImplemented for other types, and Python falls back to identity
    if (op === '==') return FALSE;
    if (op === '!=') return TRUE;
    return ctx.raise(
      'TypeError',
      `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`,
    );
  }
  return guarded(ctx, () => pyTensor(compare(cmp, x, y, budgetOf(ctx))));
}

/**
 * Augmented assignment: `t += x`, `t |= m` modify t in place (through its strides) and return the same
 * value. A non-tensor left side (`n += t`) rebinds, as Python does when there is no __iadd__.
 */
export function tensorInplace(op: AstBinaryOp, a: PyValue, b: PyValue, ctx: CallContext): PyValue {
  if (a.kind !== 'tensor' || op === '@') return tensorBinary(op, a, b, ctx);
  const y = operatorOperand(b, ctx);
  if (y === undefined) return unsupported(`${op}=`, a, b, ctx);
  return guarded(ctx, () => {
    const budget = budgetOf(ctx);
    inplaceResult(a.array, binary(BINARY_OPS[op], a.array, y, budget), budget);
    return a;
  });
}

// ---------------------------------------------------------------------------------------------
// Indexing

/** `t[index]` where index is what Python passes to __getitem__. */
export function tensorGetItem(t: NdArray, index: PyValue, ctx: CallContext): PyValue {
  return guarded(ctx, () => pyTensor(getItem(t, indexParts(index, ctx), budgetOf(ctx))));
}

/** `t[index] = value`: value a tensor or a Python number, broadcast and cast to t's dtype. */
export function tensorSetItem(t: NdArray, index: PyValue, value: PyValue, ctx: CallContext): void {
  refuseTraced(value, ctx);
  const v: Operand | undefined = value.kind === 'tensor' ? value.array : scalarOf(value);
  if (v === undefined) {
    ctx.raise('TypeError', `can't assign a ${typeName(value)} to a ${TENSOR_TYPE[t.dtype]}`);
    return;
  }
  guarded(ctx, () => setItem(t, indexParts(index, ctx), v, budgetOf(ctx)));
}
