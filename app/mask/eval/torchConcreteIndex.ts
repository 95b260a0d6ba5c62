/**
 * What Python passes to `__getitem__` / `__setitem__` (an int, slice, None, Ellipsis, tensor,
 * list, or a tuple of those), turned into the tensor library's index parts with PyTorch's rules.
 */
import { isFloating } from '../tensor/dtype';
import type { IndexPart } from '../tensor/indexing';
import { tensorFromPython as fromPython, typeName, envOf as env } from './torchConcreteArgs';
import type { CallContext, PyValue } from './values';

function refuseTraced(v: PyValue, ctx: CallContext): void {
  if (v.kind === 'sym' || v.kind === 'symtable') {
    ctx.raise('TypeError', 'a traced value cannot index a setup-time tensor here');
  }
}

function sliceBound(v: PyValue, ctx: CallContext): number | null {
  if (v.kind === 'none') return null;
  if (v.kind === 'int') return Number(v.value);
  if (v.kind === 'bool') return v.value ? 1 : 0;
  if (v.kind === 'tensor' && v.array.numel === 1 && !isFloating(v.array.dtype)) {
    return v.array.data[v.array.offset];
  }
  refuseTraced(v, ctx);
  return ctx.raise(
    'TypeError',
    'slice indices must be integers or None or have an __index__ method',
  );
}

/** PyTorch's legacy rule: a short list holding a slice, None, Ellipsis, tensor or sequence is a tuple. */
function listIsTuple(items: PyValue[]): boolean {
  if (items.length >= 32) return false;
  return items.some((v) =>
    ['tensor', 'list', 'tuple', 'slice', 'ellipsis', 'none', 'range'].includes(v.kind),
  );
}

export function indexPart(v: PyValue, ctx: CallContext): IndexPart {
  switch (v.kind) {
    case 'int':
      return { kind: 'int', index: Number(v.value) };
    case 'bool':
      return { kind: 'bool', value: v.value };
    case 'none':
      return { kind: 'none' };
    case 'ellipsis':
      return { kind: 'ellipsis' };
    case 'slice':
      return {
        kind: 'slice',
        start: sliceBound(v.start, ctx),
        stop: sliceBound(v.stop, ctx),
        step: sliceBound(v.step, ctx),
      };
    case 'tensor': {
      const t = v.array;
      if (t.ndim === 0 && (t.dtype === 'int32' || t.dtype === 'int64')) {
        return { kind: 'int', index: t.data[t.offset] };
      }
      return { kind: 'tensor', array: t };
    }
    case 'list':
    case 'tuple':
    case 'range': {
      const t = fromPython(v, undefined, env(ctx, '__getitem__'));
      if (isFloating(t.dtype)) {
        return ctx.raise(
          'IndexError',
          'tensors used as indices must be long, int, byte or bool tensors',
        );
      }
      return { kind: 'tensor', array: t };
    }
    default:
      refuseTraced(v, ctx);
      return ctx.raise(
        'IndexError',
        `only integers, slices (\`:\`), ellipsis (\`...\`), None and long or byte Variables are valid indices (got ${typeName(v)})`,
      );
  }
}

export function indexParts(index: PyValue, ctx: CallContext): IndexPart[] {
  if (index.kind === 'tuple') return index.items.map((v) => indexPart(v, ctx));
  if (index.kind === 'list' && listIsTuple(index.items))
    return index.items.map((v) => indexPart(v, ctx));
  return [indexPart(index, ctx)];
}
