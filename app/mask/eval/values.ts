/**
 * The values of the setup evaluator: Python's own objects (arbitrary-precision ints, float64
 * floats, strings, containers, functions, modules), concrete tensors built at setup time, and the
 * traced values that `mask_mod` / `score_mod` compute with while they are traced (`sym`: one IR
 * node; `symtable`: a setup tensor read at traced indices with some axes still to index).
 *
 * A number that came from a top-level literal (`WINDOW = 3`) carries `sym`: the same value as an
 * IR expression over the program's parameters. When such a number meets a traced value it enters
 * the IR as that expression (a uniform on the GPU), so a slider that only moves it never changes
 * the shader; when it steers setup code (a loop bound, a tensor size), its plain value is used.
 */
import type { ExprOf, Parameters, Stmt } from '../ast';
import type { Ir } from '../ir';
import type { NdArray, DType } from '../tensor/ndarray';
import type { SourceSpan } from '../types';

export type PyValue =
  | PyNone
  | PyBool
  | PyInt
  | PyFloat
  | PyStr
  | PyTuple
  | PyList
  | PyDict
  | PySet
  | PyRange
  | PySlice
  | PyEllipsis
  | PyIterator
  | PyFunction
  | PyNative
  | PyBoundMethod
  | PyPartial
  | PyModule
  | PyClass
  | PyInstance
  | PyExceptionValue
  | PyTensor
  | PyDTypeValue
  | PyDevice
  | PySym
  | PySymTable
  | PyOpaque;

export interface PyNone {
  kind: 'none';
}
export interface PyBool {
  kind: 'bool';
  value: boolean;
  sym?: Ir;
}
export interface PyInt {
  kind: 'int';
  value: bigint;
  sym?: Ir;
}
export interface PyFloat {
  kind: 'float';
  value: number;
  sym?: Ir;
}
export interface PyStr {
  kind: 'str';
  value: string;
}
export interface PyTuple {
  kind: 'tuple';
  items: PyValue[];
  /** For named tuples (torch.max(dim=...) gives (values, indices)): the field names. */
  fields?: string[];
  /** For collections.namedtuple: the type's name (what repr prints before the fields). */
  typeName?: string;
}
export interface PyList {
  kind: 'list';
  items: PyValue[];
  /**
   * Set when this list was written as a top-level literal (`ids = [0, 0, 1]`): flexmask's own
   * dialect lets such a list be read at traced indices as a lookup tensor, and the PyTorch export
   * writes it as `torch.tensor([...])`.
   */
  literalOf?: Stmt;
}
/** Keys are hashed by `keyOf` (values.ts): ints, floats, bools, strings, None and tuples of them. */
export interface PyDict {
  kind: 'dict';
  entries: Map<string, { key: PyValue; value: PyValue }>;
}
export interface PySet {
  kind: 'set';
  entries: Map<string, PyValue>;
  frozen: boolean;
}
export interface PyRange {
  kind: 'range';
  start: bigint;
  stop: bigint;
  step: bigint;
}
export interface PySlice {
  kind: 'slice';
  start: PyValue;
  stop: PyValue;
  step: PyValue;
}
export interface PyEllipsis {
  kind: 'ellipsis';
}
/** A one-shot iterator (generator expressions, `iter()`, `zip`, `map`, ...), drawn lazily. */
export interface PyIterator {
  kind: 'iterator';
  name: string;
  next: () => PyValue | undefined;
}

/** A def or lambda with its closure. */
export interface PyFunction {
  kind: 'function';
  name: string;
  qualname: string;
  params: Parameters;
  /** Evaluated default values, by parameter name. */
  defaults: Map<string, PyValue>;
  body: Stmt[] | { lambda: ExprOf<'lambda'> };
  closure: Scope;
  /** The module whose text the function was written in (for tracebacks and spans). */
  module: ModuleSource;
  span: SourceSpan;
  /** Attributes set on the function (`fn.__name__ = ...`, `fn.__doc__`). */
  attrs: Map<string, PyValue>;
  /** Names this function binds locally (Python decides once, for the whole body). */
  locals: Set<string>;
  /** For a def in a class body: that class (a zero-argument super() starts after it). */
  ownerClass?: PyClass;
  /** Names declared `global` / `nonlocal` in the body. */
  globals: Set<string>;
  nonlocals: Set<string>;
}

/** A builtin written in TypeScript. */
export interface PyNative {
  kind: 'native';
  name: string;
  call: NativeCall;
  /** What `and_masks` / `or_masks` / `noop_mask` are (the explainer groups their members). */
  combine?: { op: 'and' | 'or'; members: PyValue[] } | { op: 'noop' };
  attrs?: Map<string, PyValue>;
}

export interface PyBoundMethod {
  kind: 'method';
  self: PyValue;
  fn: PyFunction;
}

export interface PyPartial {
  kind: 'partial';
  fn: PyValue;
  args: PyValue[];
  keywords: Map<string, PyValue>;
}

export interface PyModule {
  kind: 'module';
  name: string;
  attrs: Map<string, PyValue>;
  /**
   * A module flexmask does not have (`import random`): importing it is fine, using it is a
   * ModuleNotFoundError that names it.
   */
  missing?: boolean;
}

/** A class: builtin types (int, float, list, Exception, ...) and simple user classes. */
export interface PyClass {
  kind: 'class';
  name: string;
  /** Base classes, nearest first (for isinstance and exception matching). */
  bases: PyClass[];
  attrs: Map<string, PyValue>;
  /** For builtin types: how calling the class builds a value. */
  construct?: NativeCall;
  /** For builtin types: which PyValue kinds are instances (isinstance). */
  instanceKinds?: PyValue['kind'][];
  /** The annotated class attributes, in order, with their default values (what @dataclass reads). */
  dataclassFields?: { name: string; default?: PyValue }[];
  /**
   * Set by the @dataclass decorator: calling the class fills these fields, and its instances
   * print and compare by them (and hash by them when frozen; else they are unhashable).
   */
  isDataclass?: boolean;
  frozenDataclass?: boolean;
}

export interface PyInstance {
  kind: 'instance';
  cls: PyClass;
  attrs: Map<string, PyValue>;
}

/** A raised exception's value: its class and message arguments. */
export interface PyExceptionValue {
  kind: 'exception';
  cls: PyClass;
  args: PyValue[];
  /**
   * A NameError's or AttributeError's closest known name: shown as `. Did you mean: 'x'?` with
   * the error, but not part of str(e) (Python adds it only when it prints the error).
   */
  suggestion?: string;
}

export interface PyTensor {
  kind: 'tensor';
  array: NdArray;
}

export interface PyDTypeValue {
  kind: 'dtype';
  dtype: DType;
}

export interface PyDevice {
  kind: 'device';
  name: string;
}

/**
 * A traced scalar: what `q_idx`, `kv_idx`, `b`, `h`, `score` and everything computed from them are
 * while mask_mod / score_mod are traced. PyTorch calls these 0-d tensors; so do the messages.
 */
export interface PySym {
  kind: 'sym';
  ir: Ir;
}

/**
 * A setup tensor read at traced indices that still has axes left (`intervals[image_idx]` of an
 * [N, 2] tensor): `indices` are the traced (or constant) indices so far, `table` the program tensor
 * they index.
 */
export interface PySymTable {
  kind: 'symtable';
  table: number;
  indices: Ir[];
  /** The axes still to index. */
  shape: number[];
}

/** Something setup code may hold but not compute with (a BlockMask stand-in, an annotation type). */
export interface PyOpaque {
  kind: 'opaque';
  name: string;
  /** Calling it, when it may be called (type annotations are callable no-ops in some code). */
  call?: NativeCall;
  attrs?: Map<string, PyValue>;
}

/** Arguments as a call site wrote them, after `*` and `**` are spread. */
export interface CallArgs {
  positional: PyValue[];
  keywords: Map<string, PyValue>;
}

export type NativeCall = (args: CallArgs, ctx: CallContext) => PyValue;

/** What a builtin may ask of the evaluator while it runs. */
export interface CallContext {
  /** Calls any callable value (a user function, a builtin, a partial). */
  call(fn: PyValue, positional: PyValue[], keywords?: Map<string, PyValue>): PyValue;
  /** Iterates any iterable value, charging the work budget per item. */
  iterate(value: PyValue): Iterable<PyValue>;
  /**
   * Raises a Python exception of the named builtin class at the current call's span; `args` are
   * its arguments when they are not the message (a KeyError carries the missing key).
   */
  raise(cls: string, message: string, args?: PyValue[]): never;
  /** Charges tensor elements about to be allocated against the budget. */
  chargeElements(count: number): void;
  /** Output of print(). */
  print(text: string): void;
  /** str() / repr() of a value, as Python prints it. */
  str(value: PyValue): string;
  repr(value: PyValue): string;
  /** The span of the call being made (for IR nodes a builtin creates). */
  span: SourceSpan;
  /** The IR builder of the trace in progress (undefined at setup time). */
  tracer: TraceHooks | undefined;
}

/** What the tracer exposes to builtins that compute on traced values. */
export interface TraceHooks {
  /** Converts a value to an IR node (a traced scalar, a number, a parameter), or undefined. */
  toIr(value: PyValue, span: SourceSpan): Ir | undefined;
}

/** Where a function's code came from: the user's program or one of flexmask's library modules. */
export interface ModuleSource {
  /** `<mask>` for the user's program; `attn_gym/masks/sliding_window.py` for library modules. */
  fileName: string;
  text: string;
  /** True for the user's program (its spans are the ones the page underlines). */
  isUser: boolean;
}

/** A variable scope: a function call's locals, a class body, or a module's globals. */
export class Scope {
  readonly vars = new Map<string, PyValue>();
  constructor(
    /** The enclosing function scope (closures), undefined for module scopes. */
    readonly parent: Scope | undefined,
    /** The module's global scope (itself, for a module scope). */
    globalScope: Scope | undefined,
    readonly kind: 'module' | 'function' | 'class',
  ) {
    this.globals = globalScope ?? this;
  }
  readonly globals: Scope;
  /** For a class body: the class's qualified name (its methods are `Class.method`). */
  classQualname?: string;
}

export const NONE: PyNone = { kind: 'none' };
export const TRUE: PyBool = { kind: 'bool', value: true };
export const FALSE: PyBool = { kind: 'bool', value: false };
export const ELLIPSIS: PyEllipsis = { kind: 'ellipsis' };

export function pyBool(value: boolean): PyBool {
  return value ? TRUE : FALSE;
}
export function pyInt(value: bigint | number): PyInt {
  return { kind: 'int', value: typeof value === 'bigint' ? value : BigInt(value) };
}
export function pyFloat(value: number): PyFloat {
  return { kind: 'float', value };
}
export function pyStr(value: string): PyStr {
  return { kind: 'str', value };
}
export function pyTuple(items: PyValue[]): PyTuple {
  return { kind: 'tuple', items };
}
export function pyList(items: PyValue[]): PyList {
  return { kind: 'list', items };
}
export function pyTensor(array: NdArray): PyTensor {
  return { kind: 'tensor', array };
}
export function native(name: string, call: NativeCall): PyNative {
  return { kind: 'native', name, call };
}
