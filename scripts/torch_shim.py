"""A stand-in for `torch` that runs flexmask's PyTorch export, and the mask files users paste, on
NumPy, without PyTorch.

Tensors are NumPy arrays (the `Tensor` subclass below) with the torch methods mask code calls;
`torch.*` functions follow torch's signatures, defaults and dtype rules where mask code can see
them (int64 indices, float32 default floats, floor division and remainder on integers, clamp with
min above max giving max). Randomness is replaced by zeros, so results are deterministic.

`TracedTensor` marks the values `mask_mod` / `score_mod` compute with while vmap traces them (the
reference in scripts/reference_masks.py hands them in one element at a time): using one in Python
control flow, `.item()`, `int()` or as a list index raises RuntimeError, as vmap does; reading a
setup tensor at a traced index gives a traced value.

Protocol (used by app/mask/pytorchExport.test.ts): one JSON object on stdin,
  {"cases": [{"id", "code", "B", "H", "Q", "KV", "scores": null | [B*H*Q*KV floats],
              "listsAsTensors": bool (for flexmask source rather than its export),
              "perElement": bool (optional: evaluate one element at a time, as vmap means)}]}
and one JSON object on stdout,
  {"results": [{"id", "error", "mask": "0110...", "scores", "blockMaskCalls"}]}
with the dense mask in row-major [B, H, Q, KV] order. Here mask_mod is evaluated once, on index
tensors broadcast over [B, H, Q_LEN, KV_LEN], unless the case asks for "perElement".
"""

import builtins as _builtins
import collections
import collections.abc
import inspect
import json
import math
import sys
import traceback
import types

import numpy as np

# ---------------------------------------------------------------------------------------------
# dtypes and devices

bool_ = np.bool_
DTYPES = {
    "bool": np.bool_,
    "uint8": np.uint8,
    "int8": np.int8,
    "int16": np.int16,
    "short": np.int16,
    "int32": np.int32,
    "int": np.int32,
    "int64": np.int64,
    "long": np.int64,
    "float16": np.float16,
    "half": np.float16,
    "bfloat16": np.float32,  # NumPy has no bfloat16; float32 holds every bfloat16 value
    "float32": np.float32,
    "float": np.float32,
    "float64": np.float64,
    "double": np.float64,
}
_PYTHON_DTYPES = {bool: np.bool_, int: np.int64, float: np.float64}


def _is_dtype(value):
    if isinstance(value, np.dtype):
        return True
    if isinstance(value, type):
        return issubclass(value, np.generic) or value in _PYTHON_DTYPES
    return False


def _dtype(value):
    """torch dtype (a NumPy scalar type here), Python type or None -> np.dtype or None."""
    if value is None:
        return None
    if isinstance(value, type) and value in _PYTHON_DTYPES:
        return np.dtype(_PYTHON_DTYPES[value])
    return np.dtype(value)


class device(str):
    """torch.device: here just the device's name."""

    def __new__(cls, kind="cpu", index=None):
        return str.__new__(cls, str(kind) if index is None else f"{kind}:{index}")

    @property
    def type(self):
        return self.split(":")[0]


Size = tuple
dtype = np.dtype

# torch's default float dtype. The export protocol below (main) switches it to float64: its
# exports write float tables as literals and are compared with the CPU back end to 1e-9.
DEFAULT_FLOAT = np.float32

# ---------------------------------------------------------------------------------------------
# tensors


def _traced(value):
    if isinstance(value, TracedTensor):
        return True
    if isinstance(value, (list, tuple)):
        return _builtins.any(_traced(v) for v in value)
    return False


def _np(value):
    """A plain ndarray (or the value itself), so NumPy never dispatches to the subclasses."""
    if isinstance(value, np.ndarray):
        return np.asarray(value)
    if isinstance(value, (list, tuple)) and _builtins.any(isinstance(v, np.ndarray) for v in value):
        return np.asarray([_np(v) for v in value])
    return value


def _wrap(result, *sources):
    """`result` as a Tensor, traced when any source is."""
    cls = TracedTensor if _builtins.any(_traced(s) for s in sources) else Tensor
    return np.asarray(result).view(cls)


def _plain_index(index):
    if isinstance(index, tuple):
        return tuple(_plain_index(i) for i in index)
    if isinstance(index, np.ndarray):
        return np.asarray(index)
    return index


def _shape(size):
    """torch accepts zeros(2, 3), zeros((2, 3)) and zeros([2, 3])."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    return tuple(int(s) for s in size)


def _dim_arg(dim, kwargs):
    return kwargs.pop("axis", dim)


class _SizeAttribute(int):
    """`t.size`: an int for NumPy (its element count), callable for torch (`t.size()`,
    `t.size(0)`)."""

    def __new__(cls, count, shape):
        obj = int.__new__(cls, count)
        obj._shape = shape
        return obj

    def __call__(self, dim=None):
        return tuple(self._shape) if dim is None else self._shape[dim]


MinMax = collections.namedtuple("MinMax", ["values", "indices"])


class Tensor(np.ndarray):
    """An ndarray with the torch.Tensor methods mask code calls."""

    __array_priority__ = 10

    def __hash__(self):
        return id(self)

    # --- indexing and iteration

    def __getitem__(self, index):
        result = np.asarray(self)[_plain_index(index)]
        return _wrap(result, self, index)

    def __setitem__(self, index, value):
        if _traced((index, value)) and not isinstance(self, TracedTensor):
            raise RuntimeError(
                "vmap: inplace arithmetic(self, *extra_args) is not possible because there "
                "exists a Tensor `other` in extra_args that has more elements than `self`."
            )
        np.asarray(self)[_plain_index(index)] = _np(value)

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    def __bool__(self):
        if np.asarray(self).size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(np.asarray(self).item())

    def __repr__(self):
        body = np.array2string(np.asarray(self), separator=", ", prefix="tensor(")
        return f"tensor({body})"

    __str__ = __repr__

    def __format__(self, spec):
        return str(self) if not spec else format(np.asarray(self).item(), spec)

    # --- shape

    @property
    def size(self):
        return _SizeAttribute(np.asarray(self).size, self.shape)

    def dim(self):
        return self.ndim

    def numel(self):
        return int(np.asarray(self).size)

    nelement = numel

    def view(self, *args, **kwargs):
        if len(args) == 1 and isinstance(args[0], type) and issubclass(args[0], np.ndarray):
            return np.ndarray.view(self, args[0])
        if "dtype" in kwargs or (len(args) == 1 and _is_dtype(args[0])):
            target = _dtype(kwargs["dtype"] if "dtype" in kwargs else args[0])
            return _wrap(np.asarray(self).view(target), self)
        return _wrap(np.asarray(self).reshape(_shape(args)), self)

    def reshape(self, *shape, **kwargs):
        return _wrap(np.asarray(self).reshape(_shape(shape) if shape else kwargs["shape"]), self)

    def unsqueeze(self, dim):
        return unsqueeze(self, dim)

    def squeeze(self, dim=None):
        return squeeze(self, dim)

    def expand(self, *sizes):
        sizes = _shape(sizes)
        own = (1,) * (len(sizes) - self.ndim) + self.shape
        target = tuple(o if s == -1 else s for s, o in zip(sizes, own))
        return _wrap(np.broadcast_to(np.asarray(self).reshape(own), target), self)

    def expand_as(self, other):
        return self.expand(*other.shape)

    def repeat(self, *sizes):
        return _wrap(np.tile(np.asarray(self), _shape(sizes)), self)

    def repeat_interleave(self, repeats, dim=None):
        return repeat_interleave(self, repeats, dim)

    def flatten(self, start_dim=0, end_dim=-1):
        return flatten(self, start_dim, end_dim)

    def transpose(self, dim0, dim1):
        return transpose(self, dim0, dim1)

    def permute(self, *dims):
        return _wrap(np.transpose(np.asarray(self), _shape(dims)), self)

    def t(self):
        return _wrap(np.asarray(self).T, self)

    def contiguous(self, *args, **kwargs):
        return self

    def clone(self, *args, **kwargs):
        return _wrap(np.array(np.asarray(self)), self)

    def detach(self):
        return self

    def requires_grad_(self, requires_grad=True):
        return self

    def cuda(self, *args, **kwargs):
        return self

    def cpu(self):
        return self

    def numpy(self):
        return np.asarray(self)

    @property
    def is_cuda(self):
        return False

    # --- dtype

    def to(self, *args, **kwargs):
        target = kwargs.get("dtype")
        for arg in args:
            if isinstance(arg, np.ndarray):
                target = arg.dtype
            elif _is_dtype(arg):
                target = arg
        if target is None:
            return self
        return _wrap(np.asarray(self).astype(_dtype(target)), self)

    def type(self, dtype=None, **kwargs):
        if dtype is None:
            return f"torch.{np.asarray(self).dtype.name.capitalize()}Tensor"
        return self.to(dtype)

    def type_as(self, other):
        return self.to(other.dtype)

    def int(self):
        return self.to(np.int32)

    def long(self):
        return self.to(np.int64)

    def short(self):
        return self.to(np.int16)

    def float(self):
        return self.to(np.float32)

    def double(self):
        return self.to(np.float64)

    def half(self):
        return self.to(np.float16)

    def bool(self):
        return self.to(np.bool_)

    def is_floating_point(self):
        return np.asarray(self).dtype.kind == "f"

    # --- new tensors like this one (plain, never traced: vmap hands back unbatched tensors)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
        return full(_shape(size or (kwargs["size"],)), 1, dtype=dtype or self.dtype)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
        return full(_shape(size or (kwargs["size"],)), 0, dtype=dtype or self.dtype)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        return full(_shape((size,)), fill_value, dtype=dtype or self.dtype)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
        return self.new_zeros(*size, dtype=dtype, **kwargs)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        return tensor(data, dtype=dtype or self.dtype)

    # --- elementwise

    def clamp(self, min=None, max=None):
        return clamp(self, min, max)

    clip = clamp

    def clamp_min(self, min):
        return clamp(self, min, None)

    def clamp_max(self, max):
        return clamp(self, None, max)

    def abs(self):
        return abs(self)

    def exp(self):
        return exp(self)

    def exp2(self):
        return exp2(self)

    def log(self):
        return log(self)

    def log2(self):
        return log2(self)

    def sqrt(self):
        return sqrt(self)

    def tanh(self):
        return tanh(self)

    def sigmoid(self):
        return sigmoid(self)

    def cos(self):
        return cos(self)

    def sin(self):
        return sin(self)

    def floor(self):
        return floor(self)

    def ceil(self):
        return ceil(self)

    def round(self, decimals=0, **kwargs):
        return round(self, decimals=decimals)

    def trunc(self):
        return trunc(self)

    def sign(self):
        return sign(self)

    def neg(self):
        return -self

    def pow(self, exponent):
        return pow(self, exponent)

    def square(self):
        return self * self

    def reciprocal(self):
        return 1.0 / self

    def erf(self):
        return erf(self)

    def logical_not(self):
        return logical_not(self)

    def logical_and(self, other):
        return logical_and(self, other)

    def logical_or(self, other):
        return logical_or(self, other)

    def isnan(self):
        return isnan(self)

    def masked_fill(self, mask, value):
        return where(mask, value, self)

    def where(self, condition, other):
        return where(condition, self, other)

    def eq(self, other):
        return self == other

    def ne(self, other):
        return self != other

    def lt(self, other):
        return self < other

    def le(self, other):
        return self <= other

    def gt(self, other):
        return self > other

    def ge(self, other):
        return self >= other

    # --- in place

    def zero_(self):
        np.asarray(self).fill(0)
        return self

    def fill_(self, value):
        np.asarray(self).fill(_np(value))
        return self

    def copy_(self, src):
        np.asarray(self)[...] = _np(src)
        return self

    def masked_fill_(self, mask, value):
        np.asarray(self)[np.asarray(_np(mask), dtype=bool)] = _np(value)
        return self

    def add_(self, other):
        np.asarray(self)[...] += _np(other)
        return self

    def mul_(self, other):
        np.asarray(self)[...] *= _np(other)
        return self

    def clamp_(self, min=None, max=None):
        return self.copy_(clamp(self, min, max))

    def diagonal(self, offset=0, dim1=0, dim2=1):
        """A view of the diagonal, last axis, writable like torch's (so .zero_() writes
        through)."""
        moved = np.moveaxis(np.asarray(self), (dim1, dim2), (-2, -1))
        if offset >= 0:
            moved = moved[..., :, offset:]
        else:
            moved = moved[..., -offset:, :]
        length = _builtins.min(moved.shape[-2], moved.shape[-1])
        return _wrap(np.einsum("...ii->...i", moved[..., :length, :length]), self)

    # --- reductions

    def sum(self, dim=None, keepdim=False, dtype=None, **kwargs):
        return sum(self, _dim_arg(dim, kwargs), keepdim or kwargs.get("keepdims", False), dtype)

    def mean(self, dim=None, keepdim=False, dtype=None, **kwargs):
        return mean(self, _dim_arg(dim, kwargs), keepdim or kwargs.get("keepdims", False), dtype)

    def prod(self, dim=None, keepdim=False, dtype=None, **kwargs):
        return prod(self, _dim_arg(dim, kwargs), keepdim or kwargs.get("keepdims", False), dtype)

    def all(self, dim=None, keepdim=False, **kwargs):
        return all(self, _dim_arg(dim, kwargs), keepdim or kwargs.get("keepdims", False))

    def any(self, dim=None, keepdim=False, **kwargs):
        return any(self, _dim_arg(dim, kwargs), keepdim or kwargs.get("keepdims", False))

    def max(self, dim=None, keepdim=False, **kwargs):
        return max(self, _dim_arg(dim, kwargs), keepdim or kwargs.get("keepdims", False))

    def min(self, dim=None, keepdim=False, **kwargs):
        return min(self, _dim_arg(dim, kwargs), keepdim or kwargs.get("keepdims", False))

    def argmax(self, dim=None, keepdim=False, **kwargs):
        return argmax(self, _dim_arg(dim, kwargs), keepdim)

    def argmin(self, dim=None, keepdim=False, **kwargs):
        return argmin(self, _dim_arg(dim, kwargs), keepdim)

    def cumsum(self, dim=None, dtype=None, **kwargs):
        return cumsum(self, _dim_arg(dim, kwargs), dtype=dtype)

    def cumprod(self, dim=None, dtype=None, **kwargs):
        return cumprod(self, _dim_arg(dim, kwargs), dtype=dtype)

    def argsort(self, dim=-1, descending=False, **kwargs):
        return argsort(self, _dim_arg(dim, kwargs), descending)

    def sort(self, dim=-1, descending=False, **kwargs):
        return sort(self, _dim_arg(dim, kwargs), descending)

    def gather(self, dim, index):
        return gather(self, dim, index)

    def index_select(self, dim, index):
        return index_select(self, dim, index)


class TracedTensor(Tensor):
    """A value vmap is tracing: Python may not look inside it."""

    __array_priority__ = 20

    @staticmethod
    def _refuse(what):
        raise RuntimeError(
            f"vmap: It looks like you're attempting to use a Tensor in some data-dependent "
            f"control flow ({what}). We don't support that yet: use torch.where or other "
            f"tensor operations instead."
        )

    def __bool__(self):
        self._refuse("bool()")

    def __int__(self):
        self._refuse("int()")

    def __float__(self):
        self._refuse("float()")

    def __index__(self):
        self._refuse("__index__")

    def __complex__(self):
        self._refuse("complex()")

    def item(self, *args):
        self._refuse(".item()")

    def tolist(self):
        self._refuse(".tolist()")

    def numpy(self):
        self._refuse(".numpy()")


def as_tensor(value, dtype=None, device=None):
    if isinstance(value, np.ndarray) and dtype is None:
        return _wrap(value, value)
    return tensor(value, dtype=dtype)


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    array = np.asarray(_np(data), dtype=_dtype(dtype))
    if dtype is None and not isinstance(data, np.ndarray) and array.dtype == np.float64:
        array = array.astype(DEFAULT_FLOAT)
    return _wrap(np.array(array), data)


def is_tensor(value):
    return isinstance(value, Tensor)


# ---------------------------------------------------------------------------------------------
# construction


def _float_default(array, args, dtype):
    if dtype is not None:
        return array.astype(_dtype(dtype))
    if array.dtype == np.float64 and not _builtins.any(isinstance(a, np.ndarray) for a in args):
        return array.astype(DEFAULT_FLOAT)
    return array


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False, **kwargs):
    bounds = (start,) if end is None else (start, end, step)
    array = np.arange(*[_np(b) for b in bounds])
    return _wrap(_float_default(array, bounds, dtype))


def zeros(*size, dtype=None, device=None, requires_grad=False, **kwargs):
    return _wrap(np.zeros(_shape(size), dtype=_dtype(dtype) or np.float32))


def ones(*size, dtype=None, device=None, requires_grad=False, **kwargs):
    return _wrap(np.ones(_shape(size), dtype=_dtype(dtype) or np.float32))


empty = zeros


def full(size, fill_value, dtype=None, device=None, requires_grad=False, **kwargs):
    if dtype is None:
        if isinstance(fill_value, (bool, np.bool_)):
            dtype = np.bool_
        elif isinstance(fill_value, (int, np.integer)):
            dtype = np.int64
        elif isinstance(fill_value, np.ndarray):
            dtype = fill_value.dtype
        else:
            dtype = DEFAULT_FLOAT
    return _wrap(np.full(_shape((size,)), _np(fill_value), dtype=_dtype(dtype)))


def zeros_like(x, dtype=None, **kwargs):
    return _wrap(np.zeros(np.shape(x), dtype=_dtype(dtype) or np.asarray(x).dtype))


def ones_like(x, dtype=None, **kwargs):
    return _wrap(np.ones(np.shape(x), dtype=_dtype(dtype) or np.asarray(x).dtype))


def full_like(x, fill_value, dtype=None, **kwargs):
    return _wrap(np.full(np.shape(x), _np(fill_value), dtype=_dtype(dtype) or np.asarray(x).dtype))


empty_like = zeros_like


def eye(n, m=None, dtype=None, device=None, requires_grad=False, **kwargs):
    return _wrap(np.eye(n, m, dtype=_dtype(dtype) or np.float32))


def cat(tensors, dim=0, **kwargs):
    return _wrap(np.concatenate([_np(t) for t in tensors], axis=_dim_arg(dim, kwargs)), tensors)


concat = concatenate = cat


def stack(tensors, dim=0, **kwargs):
    return _wrap(np.stack([_np(t) for t in tensors], axis=_dim_arg(dim, kwargs)), tensors)


def broadcast_to(x, size):
    return _wrap(np.broadcast_to(_np(x), _shape((size,))), x)


def randn(*size, **kwargs):
    """Deterministic stand-in: zeros."""
    return zeros(*size, **kwargs)


rand = randn


def randint(low, high=None, size=(), **kwargs):
    """Deterministic stand-in: `low` everywhere."""
    if high is None:
        low = 0
    return full(size, low, dtype=kwargs.get("dtype") or np.int64)


def randperm(n, **kwargs):
    """Deterministic stand-in: the identity permutation."""
    return arange(n)


# ---------------------------------------------------------------------------------------------
# shape


def unsqueeze(x, dim):
    return _wrap(np.expand_dims(_np(x), dim), x)


def squeeze(x, dim=None):
    array = _np(x)
    if dim is None:
        return _wrap(np.squeeze(array), x)
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    dims = tuple(d for d in dims if array.shape[d] == 1)
    return _wrap(np.squeeze(array, axis=dims) if dims else array, x)


def flatten(x, start_dim=0, end_dim=-1):
    array = _np(x)
    if array.ndim == 0:
        return _wrap(array.reshape(1), x)
    start = start_dim % array.ndim
    end = end_dim % array.ndim
    shape = array.shape[:start] + (-1,) + array.shape[end + 1 :]
    return _wrap(array.reshape(shape), x)


def reshape(x, shape):
    return _wrap(_np(x).reshape(_shape((shape,))), x)


def transpose(x, dim0, dim1):
    return _wrap(np.swapaxes(_np(x), dim0, dim1), x)


def permute(x, dims):
    return _wrap(np.transpose(_np(x), _shape((dims,))), x)


def flip(x, dims):
    return _wrap(np.flip(_np(x), axis=tuple(dims) if isinstance(dims, (list, tuple)) else dims), x)


def roll(x, shifts, dims=None):
    return _wrap(np.roll(_np(x), shifts, axis=dims), x)


def numel(x):
    return int(np.asarray(x).size)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    if repeats is None:  # repeat_interleave(counts): arange(len(counts)) repeated by counts
        counts = _np(input)
        return _wrap(np.repeat(np.arange(len(counts)), counts), input)
    array = _np(input)
    if dim is None:
        array = array.ravel()
        dim = 0
    return _wrap(np.repeat(array, _np(repeats), axis=dim), input, repeats)


def gather(x, dim, index):
    return _wrap(np.take_along_axis(_np(x), _np(index), axis=dim), x, index)


def index_select(x, dim, index):
    return _wrap(np.take(_np(x), _np(index), axis=dim), x, index)


def tril(x, diagonal=0):
    return _wrap(np.tril(_np(x), diagonal), x)


def triu(x, diagonal=0):
    return _wrap(np.triu(_np(x), diagonal), x)


# ---------------------------------------------------------------------------------------------
# elementwise


def _elementwise(fn, keep_integers=False):
    def apply(x, *args, **kwargs):
        array = _np(x)
        if keep_integers and np.asarray(array).dtype.kind in "biu":
            return _wrap(array, x)
        return _wrap(fn(array, *[_np(a) for a in args]), x, *args)

    return apply


abs = absolute = _elementwise(np.abs)
neg = negative = _elementwise(np.negative)
exp = _elementwise(np.exp)
exp2 = _elementwise(np.exp2)
expm1 = _elementwise(np.expm1)
log = _elementwise(np.log)
log2 = _elementwise(np.log2)
log10 = _elementwise(np.log10)
log1p = _elementwise(np.log1p)
sqrt = _elementwise(np.sqrt)
tanh = _elementwise(np.tanh)
cos = _elementwise(np.cos)
sin = _elementwise(np.sin)
tan = _elementwise(np.tan)
sign = _elementwise(np.sign)
square = _elementwise(np.square)
floor = _elementwise(np.floor, keep_integers=True)
ceil = _elementwise(np.ceil, keep_integers=True)
trunc = _elementwise(np.trunc, keep_integers=True)
isnan = _elementwise(np.isnan)
isinf = _elementwise(np.isinf)
isfinite = _elementwise(np.isfinite)
logical_not = _elementwise(np.logical_not)
logical_and = _elementwise(np.logical_and)
logical_or = _elementwise(np.logical_or)
logical_xor = _elementwise(np.logical_xor)
bitwise_not = _elementwise(np.invert)
bitwise_and = _elementwise(np.bitwise_and)
bitwise_or = _elementwise(np.bitwise_or)
bitwise_xor = _elementwise(np.bitwise_xor)
bitwise_left_shift = _elementwise(np.left_shift)
bitwise_right_shift = _elementwise(np.right_shift)
minimum = _elementwise(np.minimum)
maximum = _elementwise(np.maximum)
fmod = _elementwise(np.fmod)
remainder = _elementwise(np.remainder)
floor_divide = _elementwise(np.floor_divide)
pow = _elementwise(np.power)
_erf_scalar = np.vectorize(math.erf, otypes=[np.float64])


def _float_result(values, like):
    """torch keeps a float input's dtype; integer inputs give float32."""
    like = np.asarray(like)
    return values.astype(like.dtype if like.dtype.kind == "f" else np.float32)


def erf(x):
    return _wrap(_float_result(_erf_scalar(_np(x)), _np(x)), x)


def sigmoid(x):
    array = _np(x)
    return _wrap(_float_result(1.0 / (1.0 + np.exp(-array.astype(np.float64))), array), x)


def round(x, decimals=0):
    array = _np(x)
    if np.asarray(array).dtype.kind in "biu":
        return _wrap(array, x)
    return _wrap(np.round(array, decimals), x)


def div(x, y, rounding_mode=None):
    if rounding_mode == "floor":
        return floor_divide(x, y)
    quotient = np.true_divide(_np(x), _np(y))
    if rounding_mode == "trunc":
        quotient = np.trunc(quotient)
        kinds = np.asarray(_np(x)).dtype.kind + np.asarray(_np(y)).dtype.kind
        if _builtins.all(k in "biu" for k in kinds):
            quotient = quotient.astype(np.result_type(_np(x), _np(y)))
    return _wrap(quotient, x, y)


divide = true_divide = div


def clamp(x, min=None, max=None):
    """torch.clamp: max(min(x, max), min) taken as min first, so min > max gives max."""
    array = _np(x)
    if min is not None:
        array = np.maximum(array, _np(min))
    if max is not None:
        array = np.minimum(array, _np(max))
    return _wrap(array, x, min, max)


clip = clamp


def clamp_min(x, min):
    return clamp(x, min, None)


def clamp_max(x, max):
    return clamp(x, None, max)


def where(condition, x=None, y=None):
    if x is None and y is None:
        return tuple(_wrap(i, condition) for i in np.nonzero(_np(condition)))
    return _wrap(np.where(_np(condition), _np(x), _np(y)), condition, x, y)


def isin(elements, test_elements, invert=False):
    return _wrap(np.isin(_np(elements), _np(test_elements), invert=invert), elements)


def searchsorted(sorted_sequence, values, right=False, side=None, **kwargs):
    side = side or ("right" if right else "left")
    return _wrap(np.searchsorted(_np(sorted_sequence), _np(values), side=side), values)


def bucketize(input, boundaries, right=False, **kwargs):
    side = "right" if right else "left"
    return _wrap(np.searchsorted(_np(boundaries), _np(input), side=side), input)


def dot(a, b):
    return _wrap(np.dot(_np(a), _np(b)), a, b)


def matmul(a, b):
    return _wrap(np.matmul(_np(a), _np(b)), a, b)


def outer(a, b):
    return _wrap(np.outer(_np(a), _np(b)), a, b)


def einsum(equation, *operands):
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return _wrap(np.einsum(equation, *[_np(o) for o in operands]), *operands)


# ---------------------------------------------------------------------------------------------
# reductions


def _reduce(fn):
    def apply(x, dim=None, keepdim=False, dtype=None, **kwargs):
        dim = _dim_arg(dim, kwargs)
        axis = tuple(dim) if isinstance(dim, (list, tuple)) else dim
        result = fn(_np(x), axis=axis, keepdims=keepdim)
        if dtype is not None:
            result = np.asarray(result).astype(_dtype(dtype))
        return _wrap(result, x)

    return apply


sum = _reduce(np.sum)
prod = _reduce(np.prod)
all = _reduce(np.all)
any = _reduce(np.any)


def mean(x, dim=None, keepdim=False, dtype=None, **kwargs):
    array = _np(x)
    result = np.mean(array, axis=_dim_arg(dim, kwargs), keepdims=keepdim)
    return _wrap(_float_result(np.asarray(result), array) if dtype is None else result, x)


def count_nonzero(x, dim=None):
    return _wrap(np.count_nonzero(_np(x), axis=dim), x)


def _extreme(reduce, arg, elementwise):
    def apply(x, dim=None, keepdim=False, **kwargs):
        dim = _dim_arg(dim, kwargs)
        if dim is None:
            return _wrap(reduce(_np(x)), x)
        if isinstance(dim, np.ndarray):
            return elementwise(x, dim)
        values = reduce(_np(x), axis=dim, keepdims=keepdim)
        indices = arg(_np(x), axis=dim, keepdims=keepdim)
        return MinMax(_wrap(values, x), _wrap(indices, x))

    return apply


max = _extreme(np.max, np.argmax, maximum)
min = _extreme(np.min, np.argmin, minimum)
amax = _reduce(np.max)
amin = _reduce(np.min)


def argmax(x, dim=None, keepdim=False):
    return _wrap(np.argmax(_np(x), axis=dim, keepdims=keepdim), x)


def argmin(x, dim=None, keepdim=False):
    return _wrap(np.argmin(_np(x), axis=dim, keepdims=keepdim), x)


def cumsum(x, dim, dtype=None, **kwargs):
    return _wrap(np.cumsum(_np(x), axis=dim, dtype=_dtype(dtype)), x)


def cumprod(x, dim, dtype=None, **kwargs):
    return _wrap(np.cumprod(_np(x), axis=dim, dtype=_dtype(dtype)), x)


def diff(x, n=1, dim=-1, prepend=None, append=None):
    kwargs = {}
    if prepend is not None:
        kwargs["prepend"] = _np(prepend)
    if append is not None:
        kwargs["append"] = _np(append)
    return _wrap(np.diff(_np(x), n=n, axis=dim, **kwargs), x)


def _sort_order(x, dim, descending):
    array = _np(x)
    if descending:
        array = -array.astype(np.int64) if array.dtype.kind in "biu" else -array
    return np.argsort(array, axis=dim, kind="stable")


def argsort(x, dim=-1, descending=False, stable=False, **kwargs):
    return _wrap(_sort_order(x, _dim_arg(dim, kwargs), descending), x)


def sort(x, dim=-1, descending=False, stable=False, **kwargs):
    order = _sort_order(x, dim, descending)
    return MinMax(_wrap(np.take_along_axis(_np(x), order, axis=dim), x), _wrap(order, x))


def diagonal(x, offset=0, dim1=0, dim2=1):
    return as_tensor(x).diagonal(offset, dim1, dim2)


# ---------------------------------------------------------------------------------------------
# torch.nn.functional


def pad(input, pad, mode="constant", value=None):
    """F.pad: `pad` holds (before, after) pairs from the last dimension backwards; negative
    amounts crop."""
    array = _np(input)
    widths = [(0, 0)] * array.ndim
    crops = [slice(None)] * array.ndim
    for k in range(len(pad) // 2):
        axis = array.ndim - 1 - k
        before, after = int(pad[2 * k]), int(pad[2 * k + 1])
        crops[axis] = slice(_builtins.max(0, -before), array.shape[axis] - _builtins.max(0, -after))
        widths[axis] = (_builtins.max(0, before), _builtins.max(0, after))
    array = array[tuple(crops)]
    if mode != "constant":
        return _wrap(np.pad(array, widths, mode={"replicate": "edge"}.get(mode, mode)), input)
    fill = 0 if value is None else value
    return _wrap(np.pad(array, widths, mode="constant", constant_values=fill), input)


def gelu(input, approximate="none"):
    array = _np(input).astype(np.float64)
    if approximate == "tanh":
        inner = math.sqrt(2.0 / math.pi) * (array + 0.044715 * array**3)
        values = 0.5 * array * (1.0 + np.tanh(inner))
    else:
        values = 0.5 * array * (1.0 + _erf_scalar(array / math.sqrt(2.0)))
    return _wrap(_float_result(values, _np(input)), input)


def relu(input, inplace=False):
    return _wrap(np.maximum(_np(input), 0), input)


def silu(input, inplace=False):
    return input * sigmoid(input)


def softplus(input, beta=1.0, threshold=20.0):
    array = _np(input).astype(np.float64)
    scaled = beta * array
    values = np.where(
        scaled > threshold, array, np.log1p(np.exp(np.minimum(scaled, threshold))) / beta
    )
    return _wrap(_float_result(values, _np(input)), input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    array = _np(input)
    return _wrap(np.where(array >= 0, array, array * negative_slope), input)


def elu(input, alpha=1.0, inplace=False):
    array = _np(input)
    return _wrap(np.where(array > 0, array, alpha * np.expm1(array)), input)


def softmax(input, dim=None, dtype=None):
    array = _np(input).astype(np.float64)
    shifted = np.exp(array - np.max(array, axis=dim, keepdims=True))
    return _wrap(
        _float_result(shifted / np.sum(shifted, axis=dim, keepdims=True), _np(input)), input
    )


def log_softmax(input, dim=None, dtype=None):
    return log(softmax(input, dim))


def one_hot(tensor, num_classes=-1):
    array = _np(tensor)
    count = int(array.max()) + 1 if num_classes < 0 else num_classes
    return _wrap((array[..., None] == np.arange(count)).astype(np.int64), tensor)


# ---------------------------------------------------------------------------------------------
# flex attention


class _Stub:
    """What create_block_mask / flex_attention return: records nothing, does nothing."""

    def __init__(self, kind, **info):
        self.kind = kind
        self.info = info

    def __getattr__(self, name):
        return lambda *args, **kwargs: self

    def __repr__(self):
        return f"<{self.kind} stub>"


class AuxRequest:
    def __init__(self, lse=False, max_scores=False):
        self.lse = lse
        self.max_scores = max_scores


block_mask_calls = []


def _create_block_mask_signature(
    mask_mod, B, H, Q_LEN, KV_LEN, device="cuda", BLOCK_SIZE=128, _compile=False
):
    pass


def create_block_mask(*args, **kwargs):
    bound = inspect.signature(_create_block_mask_signature).bind(*args, **kwargs)
    bound.apply_defaults()
    call = {k: v for k, v in bound.arguments.items() if k != "mask_mod"}
    call["BLOCK_SIZE"] = (
        list(call["BLOCK_SIZE"])
        if isinstance(call["BLOCK_SIZE"], (tuple, list))
        else call["BLOCK_SIZE"]
    )
    call["device"] = str(call["device"])
    block_mask_calls.append(call)
    return _Stub("BlockMask", **call)


def create_mask(mod_fn, B, H, Q_LEN, KV_LEN, device="cuda"):
    """The dense [B, H, Q_LEN, KV_LEN] bool mask, from broadcast index grids."""
    grids = index_grids(B or 1, H or 1, Q_LEN, KV_LEN)
    shape = (B or 1, H or 1, Q_LEN, KV_LEN)
    return _wrap(np.broadcast_to(np.asarray(mod_fn(*grids), dtype=np.bool_), shape))


def flex_attention(
    query,
    key,
    value,
    score_mod=None,
    block_mask=None,
    scale=None,
    enable_gqa=False,
    return_lse=False,
    kernel_options=None,
    return_aux=None,
):
    out = np.zeros(np.shape(query)[:-1] + np.shape(value)[-1:])
    if return_lse:
        return as_tensor(out), as_tensor(np.zeros(np.shape(query)[:-1]))
    if return_aux is not None:
        return as_tensor(out), types.SimpleNamespace(lse=as_tensor(np.zeros(np.shape(query)[:-1])))
    return as_tensor(out)


def noop_mask(b, h, q_idx, kv_idx):
    """torch's noop_mask: a plain (untraced) True."""
    return b.new_ones(size=(), dtype=np.bool_, device=b.device)


def _require_callables(mask_mods):
    if not _builtins.all(callable(arg) for arg in mask_mods):
        raise RuntimeError(f"All inputs should be callable mask_mods: {mask_mods}")


def and_masks(*mask_mods):
    """torch's and_masks: True where every mask_mod is."""
    _require_callables(mask_mods)

    def and_mask(b, h, q_idx, kv_idx):
        result = b.new_ones((), dtype=np.bool_)
        for mod in mask_mods:
            result = result & mod(b, h, q_idx, kv_idx)
        return result

    return and_mask


def or_masks(*mask_mods):
    """torch's or_masks: True where any mask_mod is."""
    _require_callables(mask_mods)

    def or_mask(b, h, q_idx, kv_idx):
        result = b.new_zeros((), dtype=np.bool_)
        for mod in mask_mods:
            result = result | mod(b, h, q_idx, kv_idx)
        return result

    return or_mask


# ---------------------------------------------------------------------------------------------
# the module


class _NoGrad:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, fn):
        return fn


def _module(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


_TORCH_FUNCTIONS = [
    "tensor", "as_tensor", "is_tensor", "arange", "zeros", "ones", "empty", "full", "zeros_like",
    "ones_like", "full_like", "empty_like", "eye", "cat", "concat", "concatenate", "stack",
    "broadcast_to", "randn", "rand", "randint", "randperm", "unsqueeze", "squeeze", "flatten",
    "reshape", "transpose", "permute", "flip", "roll", "numel", "repeat_interleave", "gather",
    "index_select", "tril", "triu", "abs", "absolute", "neg", "negative", "exp", "exp2", "expm1",
    "log", "log2", "log10", "log1p", "sqrt", "tanh", "cos", "sin", "tan", "sign", "square",
    "floor", "ceil", "trunc", "isnan", "isinf", "isfinite", "logical_not", "logical_and",
    "logical_or", "logical_xor", "bitwise_not", "bitwise_and", "bitwise_or", "bitwise_xor",
    "bitwise_left_shift", "bitwise_right_shift", "minimum", "maximum", "fmod", "remainder",
    "floor_divide", "pow", "erf", "sigmoid", "round", "div", "divide", "true_divide", "clamp",
    "clip", "clamp_min", "clamp_max", "where", "isin", "searchsorted", "bucketize", "dot",
    "matmul", "outer", "einsum", "sum", "prod", "all", "any", "mean", "count_nonzero", "max", "min",
    "amax", "amin", "argmax", "argmin", "cumsum", "cumprod", "diff", "argsort", "sort", "diagonal",
]  # fmt: skip


def install():
    """Registers the fake torch (and the submodules mask files import) in sys.modules."""
    namespace = globals()
    flex = _module(
        "torch.nn.attention.flex_attention",
        create_block_mask=create_block_mask,
        create_mask=create_mask,
        flex_attention=flex_attention,
        noop_mask=noop_mask,
        and_masks=and_masks,
        or_masks=or_masks,
        BlockMask=_Stub,
        AuxRequest=AuxRequest,
        _DEFAULT_SPARSE_BLOCK_SIZE=128,
        _mask_mod_signature=collections.abc.Callable,
        _score_mod_signature=collections.abc.Callable,
    )
    attention = _module("torch.nn.attention", flex_attention=flex)
    functional = _module(
        "torch.nn.functional",
        pad=pad,
        gelu=gelu,
        relu=relu,
        silu=silu,
        sigmoid=sigmoid,
        softplus=softplus,
        leaky_relu=leaky_relu,
        elu=elu,
        tanh=tanh,
        softmax=softmax,
        log_softmax=log_softmax,
        one_hot=one_hot,
    )
    nn = _module(
        "torch.nn",
        attention=attention,
        functional=functional,
        Parameter=lambda data=None, requires_grad=True: data,
    )
    cuda = _module("torch.cuda", is_available=lambda: False)
    torch = _module(
        "torch",
        **{name: namespace[name] for name in _TORCH_FUNCTIONS},
        **DTYPES,
        Tensor=Tensor,
        IntTensor=Tensor,
        LongTensor=Tensor,
        BoolTensor=Tensor,
        FloatTensor=Tensor,
        Size=Size,
        dtype=dtype,
        device=device,
        finfo=lambda dtype=None: np.finfo(_dtype(dtype) or np.float32),
        iinfo=lambda dtype: np.iinfo(_dtype(dtype)),
        manual_seed=lambda seed: None,
        compile=lambda fn=None, **kwargs: fn if fn is not None else (lambda f: f),
        no_grad=lambda: _NoGrad(),
        inference_mode=lambda mode=True: _NoGrad(),
        nn=nn,
        cuda=cuda,
        __version__="0.0-numpy-shim",
    )
    return torch


# ---------------------------------------------------------------------------------------------
# the export protocol


def index_grids(B, H, Q, KV):
    """The index tensors vmap hands mask_mod, as broadcastable [B, H, Q, KV] grids."""
    return (
        as_tensor(np.arange(B, dtype=np.int64)[:, None, None, None]),
        as_tensor(np.arange(H, dtype=np.int64)[None, :, None, None]),
        as_tensor(np.arange(Q, dtype=np.int64)[None, None, :, None]),
        as_tensor(np.arange(KV, dtype=np.int64)[None, None, None, :]),
    )


def lists_to_tensors(namespace):
    """flexmask reads a top-level list literal as a lookup tensor; PyTorch code would have
    written torch.tensor(...) around it. The defs look globals up when called, so swapping the
    values after the module ran is enough."""
    for name, value in list(namespace.items()):
        if isinstance(value, list):
            namespace[name] = as_tensor(np.asarray(value))


def traced(value, dtype):
    """A 0-d traced tensor: one element of what vmap hands mask_mod / score_mod."""
    return np.asarray(value, dtype=dtype).view(TracedTensor)


def _scalar(value, what, dtype):
    array = np.asarray(_np(value))
    if array.shape != ():
        raise ValueError(f"{what} returned a value of shape {list(array.shape)}, not a scalar")
    return array.astype(dtype).item()


def per_element(mask_mod, score_mod, shape, scores):
    """Evaluates mask_mod (when given) and score_mod (when given, on `scores`, row-major float64)
    one element at a time over the [B, H, Q, KV] grid, on 0-d traced tensors: what vmap means
    per element. Returns (mask bits as bools, modified scores as floats or None)."""
    B, H, Q, KV = shape
    cells = [
        (b, h, q, kv) for b in range(B) for h in range(H) for q in range(Q) for kv in range(KV)
    ]
    index = np.int64
    bits = None
    if mask_mod is not None:
        bits = [
            _scalar(
                mask_mod(traced(b, index), traced(h, index), traced(q, index), traced(kv, index)),
                "mask_mod",
                np.bool_,
            )
            for b, h, q, kv in cells
        ]
    modified = None
    if score_mod is not None and scores is not None:
        modified = [
            _scalar(
                score_mod(
                    traced(s, np.float64),
                    traced(b, index),
                    traced(h, index),
                    traced(q, index),
                    traced(kv, index),
                ),
                "score_mod",
                np.float64,
            )
            for s, (b, h, q, kv) in zip(scores, cells)
        ]
    return bits, modified


def run_case(case):
    """Runs one case. mask_mod sees index tensors broadcast over [B, H, Q, KV] in one call, or,
    with "perElement": true in the case, one element at a time (what vmap means; needed when a
    mask reads a row of a table and indexes into it)."""
    block_mask_calls.clear()
    shape = (case["B"], case["H"], case["Q"], case["KV"])
    namespace = {"__name__": "__main__"}
    exec(compile(case["code"], f"<{case['id']}>", "exec"), namespace)
    if case.get("listsAsTensors"):
        lists_to_tensors(namespace)
    score_mod = namespace.get("score_mod")
    if case.get("perElement"):
        bits, modified = per_element(namespace["mask_mod"], score_mod, shape, case.get("scores"))
        if modified is None and case.get("scores") is not None:
            modified = case["scores"]
    else:
        b, h, q, kv = index_grids(*shape)
        mask = np.broadcast_to(
            np.asarray(namespace["mask_mod"](b, h, q, kv), dtype=np.bool_), shape
        )
        bits = mask.ravel().tolist()
        modified = None
        if case.get("scores") is not None:
            raw = as_tensor(np.asarray(case["scores"], dtype=np.float64).reshape(shape))
            out = raw if score_mod is None else score_mod(raw, b, h, q, kv)
            modified = np.broadcast_to(np.asarray(out, dtype=np.float64), shape).ravel().tolist()
    return {
        "mask": "".join("1" if x else "0" for x in bits),
        "scores": None if modified is None else [x if math.isfinite(x) else None for x in modified],
        "blockMaskCalls": list(block_mask_calls),
    }


def main():
    global DEFAULT_FLOAT
    DEFAULT_FLOAT = np.float64
    install()
    request = json.load(sys.stdin)
    results = []
    for case in request["cases"]:
        try:
            results.append({"id": case["id"], "error": None, **run_case(case)})
        except Exception:  # report per case, so one broken export does not hide the others
            results.append({"id": case["id"], "error": traceback.format_exc(limit=4)})
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
