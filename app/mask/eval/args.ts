/**
 * Argument handling for builtins written in TypeScript: binding positional and keyword arguments
 * to named parameters with Python's error messages, and reading ints, floats and bools out of
 * values with a clear TypeError when they are something else.
 */
import { intValue, isNumber, toFloat } from './numbers';
import { typeName } from './objects';
import { tensorIndex } from './torchConcrete';
import { CONTROL_FLOW_MESSAGE } from './traced';
import type { CallArgs, CallContext, PyValue } from './values';

/**
 * Binds `args` to parameters `names` (in order; the first `required` are required). Returns one
 * entry per name, undefined where the caller passed nothing.
 */
export function bindArgs(
  fnName: string,
  args: CallArgs,
  names: readonly string[],
  required: number,
  ctx: CallContext,
): (PyValue | undefined)[] {
  const out: (PyValue | undefined)[] = new Array<PyValue | undefined>(names.length).fill(undefined);
  if (args.positional.length > names.length) {
    ctx.raise(
      'TypeError',
      `${fnName}() takes ${names.length === required ? '' : 'at most '}${names.length} argument${names.length === 1 ? '' : 's'} (${args.positional.length} given)`,
    );
  }
  args.positional.forEach((v, k) => {
    out[k] = v;
  });
  for (const [key, value] of args.keywords) {
    const k = names.indexOf(key);
    if (k < 0) ctx.raise('TypeError', `${fnName}() got an unexpected keyword argument '${key}'`);
    if (out[k] !== undefined)
      ctx.raise('TypeError', `${fnName}() got multiple values for argument '${key}'`);
    out[k] = value;
  }
  for (let k = 0; k < required; k += 1) {
    if (out[k] === undefined) {
      ctx.raise('TypeError', `${fnName}() missing required argument '${names[k]}' (pos ${k + 1})`);
    }
  }
  return out;
}

/** CPython's `f() missing 2 required positional arguments: 'a' and 'b'` ('a', 'b', and 'c'). */
export function missingArguments(fnName: string, what: string, names: string[]): string {
  const quoted = names.map((n) => `'${n}'`);
  const last = quoted.pop() ?? '';
  const list =
    quoted.length === 0 ? last : `${quoted.join(', ')}${quoted.length > 1 ? ',' : ''} and ${last}`;
  return `${fnName}() missing ${names.length} required ${what} argument${names.length === 1 ? '' : 's'}: ${list}`;
}

export function noKeywords(fnName: string, args: CallArgs, ctx: CallContext): void {
  if (args.keywords.size > 0) ctx.raise('TypeError', `${fnName}() takes no keyword arguments`);
}

/** An int argument (bools count, as in Python); a float or anything else is a TypeError. */
export function asBigInt(v: PyValue, what: string, ctx: CallContext): bigint {
  if (v.kind === 'int' || v.kind === 'bool') return intValue(v) ?? 0n;
  if (
    v.kind === 'tensor' &&
    v.array.shape.length === 0 &&
    v.array.dtype !== 'float32' &&
    v.array.dtype !== 'float64'
  ) {
    // A 0-d int tensor is an index in Python (`range(offsets[-1])`), as torch's __index__ allows.
    return tensorIndex(v.array, ctx);
  }
  if (v.kind === 'sym' || v.kind === 'symtable') {
    // PyTorch reads a tensor used as an int through .item(), which vmap refuses.
    return ctx.raise(
      'RuntimeError',
      `${what} needs a plain int, but this is traced: ${CONTROL_FLOW_MESSAGE}`,
    );
  }
  return ctx.raise('TypeError', `${what} must be an integer, not '${typeName(v)}'`);
}

export function asNumber(v: PyValue, what: string, ctx: CallContext): number {
  if (isNumber(v)) return toFloat(v);
  return ctx.raise('TypeError', `${what} must be a real number, not '${typeName(v)}'`);
}
