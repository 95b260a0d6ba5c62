/**
 * `x[...]` and `x[...] = v` with PyTorch's rules, plus gather and index_select.
 *
 * Basic parts (ints, slices, None, Ellipsis) make an alias of the same storage. Integer and bool tensors are advanced
 * indices: they broadcast together (a k-d bool mask stands for its k nonzero() columns), and the
 * result is a copy whose broadcast index dims replace the indexed dims in place when those were
 * adjacent, or go first when something separated them (NumPy's rule). One difference from NumPy,
 * kept because it is PyTorch's: an int index is a plain select applied first, so it never counts
 * as an advanced index (`x[0, :, [1, 2]]` has shape [x.shape[1], 2] in PyTorch).
 */
import { CPP_NAME, TensorError, castValue, converter, isIntegral } from './dtype';
import { isScalar, type Operand } from './elementwise';
import { copyInto } from './writes';
import {
  NdArray,
  allocate,
  broadcastShapes,
  broadcastTo,
  checkRank,
  cloneArray,
  contiguousStrides,
  normalizeDim,
  offsetsOf,
  shapeSize,
  walk,
  walk2,
  type Budget,
} from './ndarray';
import { select, sliceBounds, sliceDim, unsqueeze } from './strided';
import { nonzero } from './sorting';

export type IndexPart =
  | { kind: 'int'; index: number }
  | { kind: 'slice'; start: number | null; stop: number | null; step: number | null }
  | { kind: 'none' }
  | { kind: 'ellipsis' }
  /** Python's True / False (and 0-d bool tensors): a new dim of size 1 or 0. */
  | { kind: 'bool'; value: boolean }
  /** An int tensor (advanced index) or a bool / uint8 tensor (mask). */
  | { kind: 'tensor'; array: NdArray };

interface Advanced {
  /** The dim of the basic parts' result that this index applies to. */
  pos: number;
  index: NdArray;
}

interface Plan {
  /** The tensor with the basic parts applied: an alias of the indexed one. */
  basic: NdArray;
  advanced: Advanced[];
}

function isMask(a: NdArray): boolean {
  return a.dtype === 'bool' || a.dtype === 'uint8';
}

function checkIndexTensor(a: NdArray): void {
  if (!isMask(a) && !isIntegral(a.dtype)) {
    throw new TensorError(
      'IndexError',
      'tensors used as indices must be long, int, byte or bool tensors',
    );
  }
}

/** Dims of the indexed tensor a part uses up. */
function consumed(part: IndexPart): number {
  switch (part.kind) {
    case 'int':
    case 'slice':
      return 1;
    case 'tensor':
      return isMask(part.array) ? part.array.ndim : 1;
    default:
      return 0;
  }
}

function sizeOfBool(value: boolean): NdArray {
  return new NdArray('int64', [value ? 1 : 0], [1], 0, new Float64Array(value ? 1 : 0));
}

/** Applies the basic parts, collecting the advanced ones against the resulting alias's dims. */
function plan(a: NdArray, parts: readonly IndexPart[], budget: Budget): Plan {
  let ellipses = 0;
  let used = 0;
  for (const part of parts) {
    if (part.kind === 'ellipsis') ellipses++;
    if (part.kind === 'tensor') checkIndexTensor(part.array);
    used += consumed(part);
  }
  if (ellipses > 1) {
    throw new TensorError('IndexError', "an index can only have a single ellipsis ('...')");
  }
  if (used > a.ndim) {
    throw new TensorError('IndexError', `too many indices for tensor of dimension ${a.ndim}`);
  }
  let cur = a;
  let dim = 0;
  let realDim = 0;
  const advanced: Advanced[] = [];
  const addBool = (value: boolean) => {
    cur = unsqueeze(cur, dim);
    advanced.push({ pos: dim, index: sizeOfBool(value) });
    dim++;
  };
  for (const part of parts) {
    switch (part.kind) {
      case 'int':
        cur = select(cur, dim, part.index, realDim);
        realDim++;
        break;
      case 'slice': {
        const step = part.step ?? 1;
        if (step === 0) throw new TensorError('ValueError', 'slice step cannot be zero');
        if (step < 0) throw new TensorError('ValueError', 'step must be greater than zero');
        const { start, stop } = sliceBounds(cur.shape[dim], part.start, part.stop);
        cur = sliceDim(cur, dim, start, stop, step);
        dim++;
        realDim++;
        break;
      }
      case 'none':
        cur = unsqueeze(cur, dim);
        dim++;
        break;
      case 'bool':
        addBool(part.value);
        break;
      case 'ellipsis': {
        const skip = a.ndim - used;
        dim += skip;
        realDim += skip;
        break;
      }
      case 'tensor': {
        const t = part.array;
        if (isMask(t)) {
          if (t.ndim === 0) {
            addBool(t.data[t.offset] !== 0);
            break;
          }
          t.shape.forEach((s, j) => {
            if (s !== cur.shape[dim + j]) {
              throw new TensorError(
                'IndexError',
                `The shape of the mask [${t.shape.join(', ')}] at index ${j} does not match the shape of the indexed tensor [${cur.shape.join(', ')}] at index ${dim + j}`,
              );
            }
          });
          const nz = nonzero(t, budget);
          const count = nz.shape[0];
          for (let j = 0; j < t.ndim; j++) {
            advanced.push({
              pos: dim + j,
              index: new NdArray('int64', [count], [t.ndim], j, nz.data),
            });
          }
          dim += t.ndim;
          realDim += t.ndim;
        } else if (t.ndim === 0) {
          // PyTorch selects with a 0-d integer tensor, like with a Python int
          cur = select(cur, dim, t.data[t.offset], realDim);
          realDim++;
        } else {
          advanced.push({ pos: dim, index: t });
          dim++;
          realDim++;
        }
        break;
      }
    }
  }
  return { basic: cur, advanced };
}

/** The storage offsets (in result order) and the shape of an advanced indexing result. */
function gatherOffsets(p: Plan, budget: Budget): { shape: number[]; offsets: Float64Array } {
  const cur = p.basic;
  let bshape: number[];
  try {
    bshape = broadcastShapes(...p.advanced.map((x) => x.index.shape));
  } catch (e) {
    if (!(e instanceof TensorError)) throw e;
    throw new TensorError(
      'IndexError',
      `shape mismatch: indexing tensors could not be broadcast together with shapes ${p.advanced.map((x) => `[${x.index.shape.join(', ')}]`).join(', ')}`,
    );
  }
  const positions = p.advanced.map((x) => x.pos);
  const adjacent = positions.every((q, k) => k === 0 || q === positions[k - 1] + 1);
  const rest = cur.shape.map((_, d) => d).filter((d) => !positions.includes(d));
  const before = adjacent ? rest.filter((d) => d < positions[0]) : [];
  const after = adjacent ? rest.filter((d) => d > positions[0]) : rest;
  const shape = [...before.map((d) => cur.shape[d]), ...bshape, ...after.map((d) => cur.shape[d])];
  checkRank(shape.length);
  const offsets = allocate(shapeSize(shape), budget);
  if (offsets.length === 0) return { shape, offsets };

  // the part of each offset that comes from the index tensors
  const nb = shapeSize(bshape);
  const adv = new Float64Array(nb);
  for (const { pos, index } of p.advanced) {
    const size = cur.shape[pos];
    const stride = cur.strides[pos];
    const v = broadcastTo(index, bshape);
    walk(v.shape, v.strides, v.offset, (i, o) => {
      const k = v.data[o];
      if (k < -size || k >= size) {
        throw new TensorError(
          'IndexError',
          `index ${k} is out of bounds for dimension ${pos} with size ${size}`,
        );
      }
      adv[i] += (k < 0 ? k + size : k) * stride;
    });
  }
  const part = (dims: number[]) => {
    const out: number[] = [];
    walk(
      dims.map((d) => cur.shape[d]),
      dims.map((d) => cur.strides[d]),
      0,
      (_, o) => out.push(o),
    );
    return out;
  };
  const pre = part(before);
  const post = part(after);
  let i = 0;
  for (const b of pre) {
    for (let j = 0; j < nb; j++) {
      for (const q of post) offsets[i++] = cur.offset + b + adv[j] + q;
    }
  }
  return { shape, offsets };
}

/** `a[parts]`: an alias for basic indexing, a copy when an index tensor is involved. */
export function getItem(a: NdArray, parts: readonly IndexPart[], budget: Budget): NdArray {
  const p = plan(a, parts, budget);
  if (p.advanced.length === 0) return p.basic;
  const { shape, offsets } = gatherOffsets(p, budget);
  // the offsets array becomes the result's storage, value by value
  const data = p.basic.data;
  for (let i = 0; i < offsets.length; i++) offsets[i] = data[offsets[i]];
  return new NdArray(a.dtype, shape, contiguousStrides(shape), 0, offsets);
}

/** `a[parts] = value`: the value broadcast to the indexed shape and cast to a's dtype. */
export function setItem(
  a: NdArray,
  parts: readonly IndexPart[],
  value: Operand,
  budget: Budget,
): void {
  const p = plan(a, parts, budget);
  if (p.advanced.length === 0) {
    copyInto(p.basic, value, budget);
    return;
  }
  const { shape, offsets } = gatherOffsets(p, budget);
  const data = a.data;
  if (isScalar(value)) {
    const v = castValue(value.scalar, a.dtype);
    for (let i = 0; i < offsets.length; i++) data[offsets[i]] = v;
    return;
  }
  if (value.dtype !== a.dtype) {
    // PyTorch's index_put_ (unlike a copy into an alias) does not convert a tensor's dtype
    throw new TensorError(
      'IndexError',
      `Index put requires the source and destination dtypes match, got ${CPP_NAME[a.dtype]} for the destination and ${CPP_NAME[value.dtype]} for the source.`,
    );
  }
  let src = value;
  let lead = 0;
  while (src.ndim - lead > shape.length && src.shape[lead] === 1) lead++;
  src = new NdArray(
    src.dtype,
    src.shape.slice(lead),
    src.strides.slice(lead),
    src.offset,
    src.data,
  );
  const target = broadcastShapesOr(shape, src.shape);
  if (target.length !== shape.length || target.some((s, d) => s !== shape[d])) {
    throw new TensorError(
      'RuntimeError',
      `shape mismatch: value tensor of shape [${value.shape.join(', ')}] cannot be broadcast to indexing result of shape [${shape.join(', ')}]`,
    );
  }
  if (src.data === data) src = cloneArray(src, budget);
  const broadcast = broadcastTo(src, shape);
  walk(broadcast.shape, broadcast.strides, broadcast.offset, (i, o) => {
    data[offsets[i]] = broadcast.data[o];
  });
}

function broadcastShapesOr(a: number[], b: number[]): number[] {
  try {
    return broadcastShapes(a, b);
  } catch (e) {
    if (!(e instanceof TensorError)) throw e;
    return [];
  }
}

/** index_select(dim, index): entries of a 1-d int index (no negative indices, as in PyTorch). */
export function indexSelect(a: NdArray, dim: number, index: NdArray, budget: Budget): NdArray {
  if (index.ndim > 1)
    throw new TensorError('IndexError', 'index_select(): Index is supposed to be a vector');
  if (!isIntegral(index.dtype) || index.dtype === 'uint8') {
    throw new TensorError(
      'RuntimeError',
      'index_select(): Expected dtype int32 or int64 for index',
    );
  }
  const d = normalizeDim(dim, a.ndim);
  const size = a.ndim === 0 ? 1 : a.shape[d];
  walk(index.shape, index.strides, index.offset, (_, o) => {
    const k = index.data[o];
    if (k < 0 || k >= size) throw new TensorError('IndexError', 'index out of range in self');
  });
  if (a.ndim === 0) return cloneArray(a, budget);
  const flat = new NdArray(
    index.dtype,
    [index.numel],
    [index.ndim === 0 ? 0 : index.strides[0]],
    index.offset,
    index.data,
  );
  const parts: IndexPart[] = [];
  for (let k = 0; k < d; k++) parts.push({ kind: 'slice', start: null, stop: null, step: null });
  parts.push({ kind: 'tensor', array: flat });
  return getItem(a, parts, budget);
}

/** gather(dim, index): out[i][j][k] = a[index[i][j][k]][j][k] for dim 0, and so on. */
export function gather(a: NdArray, dim: number, index: NdArray, budget: Budget): NdArray {
  if (index.dtype !== 'int64') {
    throw new TensorError('RuntimeError', 'gather(): Expected dtype int64 for index');
  }
  const d = normalizeDim(dim, a.ndim);
  if (index.ndim !== a.ndim && !(a.ndim === 0 && index.ndim <= 1)) {
    throw new TensorError(
      'RuntimeError',
      'Index tensor must have the same number of dimensions as input tensor',
    );
  }
  index.shape.forEach((s, j) => {
    if (j !== d && s > a.shape[j]) {
      throw new TensorError(
        'RuntimeError',
        `Size does not match at dimension ${j} expected index [${index.shape.join(', ')}] to be smaller than self [${a.shape.join(', ')}] apart from dimension ${d}`,
      );
    }
  });
  const out = allocate(index.numel, budget);
  const size = a.ndim === 0 ? 1 : a.shape[d];
  const stride = a.ndim === 0 ? 0 : a.strides[d];
  // a's offsets at the index's positions, with the gathered dim left to the index values
  const base = index.shape.map((_, j) => (j === d || a.ndim === 0 ? 0 : a.strides[j]));
  walk2(index.shape, index.strides, index.offset, base, a.offset, (i, oi, oa) => {
    const k = index.data[oi];
    if (k < 0 || k >= size) {
      throw new TensorError(
        'RuntimeError',
        `index ${k} is out of bounds for dimension ${d} with size ${size}`,
      );
    }
    out[i] = a.data[oa + k * stride];
  });
  return new NdArray(a.dtype, index.shape.slice(), contiguousStrides(index.shape), 0, out);
}

/**
 * scatter(dim, index, src) and scatter_add: self[index[i][j]][j] = src[i][j] for dim 0 (written
 * into `target`, which the caller cloned for the out-of-place forms). `src` may be one value.
 */
export function scatterInto(
  target: NdArray,
  dim: number,
  index: NdArray,
  src: NdArray | number,
  add: boolean,
): void {
  if (index.dtype !== 'int64') {
    throw new TensorError('RuntimeError', 'scatter(): Expected dtype int64 for index');
  }
  const d = normalizeDim(dim, target.ndim);
  if (index.ndim !== target.ndim && !(target.ndim === 0 && index.ndim <= 1)) {
    throw new TensorError(
      'RuntimeError',
      'Index tensor must have the same number of dimensions as self tensor',
    );
  }
  if (typeof src !== 'number' && src.ndim !== index.ndim) {
    throw new TensorError(
      'RuntimeError',
      'Index tensor must have the same number of dimensions as src tensor',
    );
  }
  index.shape.forEach((s, j) => {
    if ((j !== d && s > target.shape[j]) || (typeof src !== 'number' && s > src.shape[j])) {
      throw new TensorError(
        'RuntimeError',
        `Expected index [${index.shape.join(', ')}] to be smaller than self [${target.shape.join(', ')}] apart from dimension ${d}${typeof src === 'number' ? '' : ` and to be smaller size than src [${src.shape.join(', ')}]`}`,
      );
    }
  });
  const size = target.ndim === 0 ? 1 : target.shape[d];
  const stride = target.ndim === 0 ? 0 : target.strides[d];
  const base = index.shape.map((_, j) => (j === d || target.ndim === 0 ? 0 : target.strides[j]));
  const conv = typeof src === 'number' ? undefined : converter(src.dtype, target.dtype);
  const value = typeof src === 'number' ? castValue(src, target.dtype) : 0;
  const srcAligned =
    typeof src === 'number'
      ? undefined
      : new NdArray(src.dtype, index.shape, src.strides, src.offset, src.data);
  const srcOffsets = srcAligned ? offsetsOf(srcAligned) : undefined;
  walk2(index.shape, index.strides, index.offset, base, target.offset, (i, oi, ot) => {
    const k = index.data[oi];
    if (k < 0 || k >= size) {
      throw new TensorError(
        'RuntimeError',
        `index ${k} is out of bounds for dimension ${d} with size ${size}`,
      );
    }
    let v = value;
    if (srcAligned && srcOffsets) {
      const raw = srcAligned.data[srcOffsets[i]];
      v = conv ? conv(raw) : raw;
    }
    const at = ot + k * stride;
    target.data[at] = add ? castValue(target.data[at] + v, target.dtype) : v;
  });
}

/** index_fill_(dim, index, value): every slice at the given positions along dim set to value. */
export function indexFillInto(
  target: NdArray,
  dim: number,
  index: NdArray,
  value: number,
  budget: Budget,
): void {
  if (index.ndim > 1 || !isIntegral(index.dtype)) {
    throw new TensorError('IndexError', 'index_fill_(): Expected dtype int64 for index.');
  }
  const d = normalizeDim(dim, target.ndim);
  const size = target.ndim === 0 ? 1 : target.shape[d];
  walk(index.shape, index.strides, index.offset, (_, o) => {
    let k = index.data[o];
    if (k < -size || k >= size) {
      throw new TensorError(
        'IndexError',
        `index ${k} is out of bounds for dimension ${d} with size ${size}`,
      );
    }
    if (k < 0) k += size;
    const slice = target.ndim === 0 ? target : select(target, d, k);
    copyInto(slice, { scalar: value, kind: 'float' }, budget);
  });
}
