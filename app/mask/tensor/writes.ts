/**
 * Writing into existing storage: copies into strided aliases (setitem, fill_, copy_), in-place ops
 * (`x += y`, `x.add_(y)`) and masked_fill_. Writes go through the destination's strides, so they land in
 * every tensor that shares the storage.
 */
import { CPP_NAME, TensorError, canCast, castValue, converter } from './dtype';
import { checkMask, fillValue, isScalar, type Operand } from './elementwise';
import {
  NdArray,
  broadcastShapes,
  broadcastTo,
  cloneArray,
  walk,
  walk2,
  type Budget,
} from './ndarray';

/** Refuses writes through an alias where several elements share one storage slot (an expand). */
function checkWritable(dst: NdArray): void {
  for (let d = 0; d < dst.ndim; d++) {
    if (dst.strides[d] === 0 && dst.shape[d] > 1) {
      throw new TensorError(
        'RuntimeError',
        'unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.',
      );
    }
  }
}

/**
 * Writes src (broadcast to dst's shape, cast to dst's dtype) into dst's storage. A source that
 * shares storage with dst is copied first, so `x[1:] = x[:-1]` reads the old values.
 */
export function copyInto(dst: NdArray, src: Operand, budget: Budget): void {
  checkWritable(dst);
  if (isScalar(src)) {
    const v = castValue(src.scalar, dst.dtype);
    const data = dst.data;
    walk(dst.shape, dst.strides, dst.offset, (_, o) => {
      data[o] = v;
    });
    return;
  }
  let source = src;
  // PyTorch's setitem drops leading size-1 dims of the value (x[0] = t of shape [1, n])
  let lead = 0;
  while (source.ndim - lead > dst.ndim && source.shape[lead] === 1) lead++;
  if (lead > 0) {
    source = new NdArray(
      source.dtype,
      source.shape.slice(lead),
      source.strides.slice(lead),
      source.offset,
      source.data,
    );
  }
  const shape = broadcastShapes(dst.shape, source.shape);
  if (shape.length !== dst.ndim || shape.some((s, d) => s !== dst.shape[d])) {
    throw new TensorError(
      'RuntimeError',
      `output with shape [${dst.shape.join(', ')}] doesn't match the broadcast shape [${shape.join(', ')}]`,
    );
  }
  if (source.data === dst.data) source = cloneArray(source, budget);
  const broadcast = broadcastTo(source, dst.shape);
  const conv = converter(source.dtype, dst.dtype);
  const from = broadcast.data;
  const to = dst.data;
  walk2(dst.shape, dst.strides, dst.offset, broadcast.strides, broadcast.offset, (_, od, os) => {
    to[od] = conv ? conv(from[os]) : from[os];
  });
}

/**
 * An in-place op (`x += y`, `x.add_(y)`, `x |= m`): computed out of place, then checked that it
 * keeps x's shape and that its dtype may be written into x's (no float into int), and written.
 */
export function inplaceResult(a: NdArray, result: NdArray, budget: Budget): NdArray {
  if (!canCast(result.dtype, a.dtype)) {
    throw new TensorError(
      'RuntimeError',
      `result type ${CPP_NAME[result.dtype]} can't be cast to the desired output type ${CPP_NAME[a.dtype]}`,
    );
  }
  if (result.ndim !== a.ndim || result.shape.some((s, d) => s !== a.shape[d])) {
    throw new TensorError(
      'RuntimeError',
      `output with shape [${a.shape.join(', ')}] doesn't match the broadcast shape [${result.shape.join(', ')}]`,
    );
  }
  copyInto(a, result, budget);
  return a;
}

export function maskedFillInPlace(
  a: NdArray,
  mask: NdArray,
  value: Operand,
  budget: Budget,
): NdArray {
  checkMask(mask, 'masked_fill_');
  const v = castValue(fillValue(value, 'masked_fill_'), a.dtype);
  const shape = broadcastShapes(a.shape, mask.shape);
  if (shape.length !== a.ndim || shape.some((s, d) => s !== a.shape[d])) {
    throw new TensorError(
      'RuntimeError',
      `The expanded size of the mask must match the existing size of the tensor [${a.shape.join(', ')}]`,
    );
  }
  checkWritable(a);
  const m = mask.data === a.data ? cloneArray(mask, budget) : mask;
  const mv = broadcastTo(m, a.shape);
  const data = a.data;
  walk2(a.shape, a.strides, a.offset, mv.strides, mv.offset, (_, o, om) => {
    if (mv.data[om] !== 0) data[o] = v;
  });
  return a;
}
