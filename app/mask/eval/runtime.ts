/**
 * The runtime of one compile: the interpreter, its budget and tracer, the builtins, the module
 * table (native modules, flexmask's Python library of attention-gym and transformers functions,
 * and stand-ins for modules it does not have), exceptions, `print` output, and the parameters and
 * lookup tables that top-level assignments create.
 */
import type { Expr, Module, Stmt, StmtOf } from '../ast';
import { namesBoundBy, parameterNames, stmtChildren } from '../astWalk';
import { IrBuilder } from '../ir';
import type { CompileLimits } from '../limits';
import { LIBRARY_MODULES } from '../library';
import type { ParamInfo, SourceSpan } from '../types';
import { missingArguments } from './args';
import { parseModule } from './parseModule';
import { Budget, type EvalLimits } from './budget';
import { makeBuiltins } from './builtins';
import { EXCEPTION_NAMES } from './builtinTypes';
import { Interpreter } from './interpreter';
import { isNumber } from './numbers';
import { hashKey, typeName } from './objects';
import { LimitExceeded, TraceError } from './pyerrors';
import { nativeModule, NATIVE_MODULE_NAMES } from './stdlib';
import { TensorError } from './torchConcrete';
import { Tracer } from './traced';
import { suggestName } from './suggest';
import type { StaticResolver } from '../pytorchExport';
import {
  Scope,
  pyStr,
  type CallArgs,
  type CallContext,
  type ModuleSource,
  type PyClass,
  type PyDict,
  type PyExceptionValue,
  type PyModule,
  type PySet,
  type PyValue,
} from './values';

export class Runtime {
  readonly budget: Budget;
  readonly ir: IrBuilder;
  readonly tracer: Tracer;
  readonly interp: Interpreter;
  readonly userModule: ModuleSource;
  readonly params: ParamInfo[] = [];
  /** Top-level list literals by their statement (the export writes them as torch.tensor). */
  readonly literalLists = new Set<Stmt>();
  /** Library modules the program imported (the export keeps their import lines). */
  readonly printed: string[] = [];
  private printedLength = 0;
  /** Whether the last printed line was left open by `print(..., end='')`. */
  private lineOpen = false;
  private readonly builtins: Map<string, PyValue>;
  private readonly exceptionClasses = new Map<string, PyClass>();
  private readonly modules = new Map<string, PyValue>();
  private userScope: Scope | undefined;

  constructor(
    source: string,
    readonly compileLimits: CompileLimits,
    evalLimits: EvalLimits,
  ) {
    this.budget = new Budget(evalLimits);
    this.ir = new IrBuilder(compileLimits);
    this.tracer = new Tracer(this.ir, {
      maxTableElements: compileLimits.maxTensorElements,
      maxTableRank: 4,
    });
    this.userModule = { fileName: '<mask>', text: source, isUser: true };
    const made = makeBuiltins(this);
    this.builtins = made.builtins;
    for (const name of EXCEPTION_NAMES) {
      const cls = made.builtins.get(name);
      if (cls?.kind === 'class') this.exceptionClasses.set(name, cls);
    }
    this.interp = new Interpreter(this);
  }

  /** Runs the user's program; returns its global scope. */
  /** The user's program, once it has run. */
  userAst: Module | undefined;

  runUserProgram(ast: Module): Scope {
    this.userAst = ast;
    const scope = new Scope(undefined, undefined, 'module');
    scope.vars.set('__name__', pyStr('__mask__'));
    this.userScope = scope;
    this.interp.runModule(this.userModule, ast, scope, { start: 0, end: 0 });
    return scope;
  }

  // ---- errors --------------------------------------------------------------------------------

  exception(cls: string, args: PyValue[]): PyExceptionValue {
    const found = this.exceptionClasses.get(cls) ?? this.exceptionClasses.get('RuntimeError');
    if (!found) throw new Error(`no exception class ${cls}`);
    return { kind: 'exception', cls: found, args };
  }

  raise(cls: string, message: string, args?: PyValue[]): never {
    return this.interp.raise(cls, message, args);
  }

  /** Raises what the tracer described. */
  raiseTrace(error: TraceError): never {
    if (error.cls === 'LimitError') throw new LimitExceeded('LimitError', error.message, []);
    return this.raise(error.cls, error.message);
  }

  /** A LimitExceeded pointing at the current frame (for limits checked after tracing). */
  limit(message: string, span: SourceSpan): LimitExceeded {
    return new LimitExceeded('LimitError', message, [
      { module: this.userModule, name: '<module>', span },
    ]);
  }

  asTensorError(error: unknown): { cls: string; message: string } | undefined {
    if (error instanceof TraceError || error instanceof TensorError) {
      return { cls: error.cls, message: error.message };
    }
    return undefined;
  }

  isExceptionClass(cls: PyClass): boolean {
    for (let c: PyClass | undefined = cls; c; c = c.bases[0]) {
      if (c.name === 'BaseException') return true;
    }
    return false;
  }

  /** `except <handler>:` — a class or a tuple of classes that the exception is an instance of. */
  matches(exception: PyExceptionValue, handler: PyValue): boolean {
    if (handler.kind === 'tuple') return handler.items.some((h) => this.matches(exception, h));
    if (handler.kind !== 'class') return false;
    for (let c: PyClass | undefined = exception.cls; c; c = c.bases[0])
      if (c === handler) return true;
    return false;
  }

  // ---- names -----------------------------------------------------------------------------------

  builtin(name: string): PyValue | undefined {
    const found = this.builtins.get(name);
    if (found !== undefined) return found;
    // flexmask's conveniences, usable without an import (the export imports them).
    if (name === 'torch') return this.importModule('torch', { start: 0, end: 0 });
    if (name === 'and_masks' || name === 'or_masks' || name === 'noop_mask') {
      return this.importFrom('torch.nn.attention.flex_attention', name, { start: 0, end: 0 });
    }
    return undefined;
  }

  /** The known name closest to an undefined one (NameError's "Did you mean"). */
  nameSuggestion(name: string, scope: Scope): string | undefined {
    const candidates = new Set<string>(this.builtins.keys());
    for (let s: Scope | undefined = scope; s; s = s.parent)
      for (const k of s.vars.keys()) candidates.add(k);
    for (const k of scope.globals.vars.keys()) candidates.add(k);
    return suggestName(name, candidates);
  }

  /**
   * What a top-level assignment binds: `NAME = <number literal>` becomes a parameter (its value
   * carries the parameter's IR); a list literal is remembered as a possible lookup table.
   */
  topLevelValue(stmt: Stmt, target: Expr, value: PyValue, scope: Scope): PyValue {
    if (scope !== this.userScope || stmt.kind !== 'assign') return value;
    if (target.kind !== 'name' || stmt.targets.length !== 1 || stmt.targets[0] !== target)
      return value;
    const literal = literalNumber(stmt.value);
    if (literal !== undefined && isNumber(value)) {
      const type = value.kind === 'bool' ? 'bool' : value.kind === 'int' ? 'int' : 'float';
      if (type === 'int' && (literal > 2147483647 || literal < -2147483648)) return value;
      const index = this.params.length;
      this.params.push({
        name: target.id,
        type,
        value: type === 'bool' ? (literal !== 0 ? 1 : 0) : literal,
        span: stmt.value.span,
      });
      const sym = this.ir.make({ op: 'param', type, index, span: target.span });
      if (value.kind === 'int') return { kind: 'int', value: value.value, sym };
      if (value.kind === 'float') return { kind: 'float', value: value.value, sym };
      return { kind: 'bool', value: value.value, sym };
    }
    if (stmt.value.kind === 'list' && value.kind === 'list') {
      this.literalLists.add(stmt);
      return { kind: 'list', items: value.items, literalOf: stmt };
    }
    return value;
  }

  // ---- modules ---------------------------------------------------------------------------------

  importModule(name: string, span: SourceSpan): PyValue {
    const known = this.modules.get(name);
    if (known) return known;
    const parts = name.split('.');
    // Import every package on the way, as Python does, and hang each module on its parent.
    let parent: PyValue | undefined;
    for (let k = 1; k <= parts.length; k += 1) {
      const prefix = parts.slice(0, k).join('.');
      let module = this.modules.get(prefix);
      if (!module) {
        module = this.loadModule(prefix, span);
        this.modules.set(prefix, module);
        if (parent?.kind === 'module' && !parent.missing && !parent.attrs.has(parts[k - 1]))
          parent.attrs.set(parts[k - 1], module);
      }
      parent = module;
    }
    return parent ?? this.missingModule(name);
  }

  private loadModule(name: string, span: SourceSpan): PyValue {
    if (name.startsWith('.')) return this.missingModule(name);
    const native = NATIVE_MODULE_NAMES.has(name) ? nativeModule(name, this) : undefined;
    if (native) return native;
    const source = LIBRARY_MODULES[name];
    if (source !== undefined) return this.runLibraryModule(name, source, span);
    return this.missingModule(name);
  }

  private runLibraryModule(name: string, source: string, span: SourceSpan): PyModule {
    const fileName = `${name.replace(/\./g, '/')}${isPackage(name) ? '/__init__' : ''}.py`;
    const module: ModuleSource = { fileName, text: source, isUser: false };
    const scope = new Scope(undefined, undefined, 'module');
    scope.vars.set('__name__', pyStr(name));
    const value: PyModule = { kind: 'module', name, attrs: scope.vars };
    this.modules.set(name, value);
    this.interp.runModule(module, parseModule(source, fileName, this.compileLimits), scope, span);
    return value;
  }

  private missingModule(name: string): PyModule {
    return { kind: 'module', name, attrs: new Map(), missing: true };
  }

  /** `from module import name`: an attribute, else a submodule, else ImportError. */
  importFrom(moduleName: string, name: string, span: SourceSpan): PyValue {
    const module = this.importModule(moduleName, span);
    if (module.kind !== 'module') return this.raise('ImportError', `cannot import name '${name}'`);
    if (module.missing)
      return { kind: 'module', name: moduleName, attrs: new Map(), missing: true };
    const attr = module.attrs.get(name);
    if (attr !== undefined) return attr;
    const sub = `${moduleName}.${name}`;
    if (NATIVE_MODULE_NAMES.has(sub) || LIBRARY_MODULES[sub] !== undefined)
      return this.importModule(sub, span);
    if (this.isOpenNamespace(moduleName))
      return { kind: 'module', name: sub, attrs: new Map(), missing: true };
    return this.raise(
      'ImportError',
      `cannot import name '${name}' from '${moduleName}' (flexmask's ${moduleName} has: ${[
        ...module.attrs.keys(),
      ]
        .filter((k) => !k.startsWith('__'))
        .slice(0, 40)
        .join(', ')})`,
    );
  }

  /** torch has far more than flexmask implements: unknown parts import as missing stand-ins. */
  private isOpenNamespace(moduleName: string): boolean {
    return moduleName === 'torch' || moduleName.startsWith('torch.');
  }

  submodule(module: PyModule, name: string): PyValue | undefined {
    const sub = `${module.name}.${name}`;
    if (NATIVE_MODULE_NAMES.has(sub) || LIBRARY_MODULES[sub] !== undefined) {
      return this.importModule(sub, { start: 0, end: 0 });
    }
    return undefined;
  }

  missingModuleMessage(name: string): string {
    return `No module named '${name.length > 80 ? `${name.slice(0, 80)}...` : name}': flexmask runs torch, math, functools, itertools, operator, typing, collections, dataclasses, attn_gym and transformers.masking_utils (a module that is imported but never used is fine)`;
  }

  moduleAttributeMessage(module: PyModule, name: string): string {
    const shown = name.length > 60 ? `${name.slice(0, 60)}...` : name;
    if (module.name === 'torch' && INTERNALS.has(name)) {
      return `module 'torch' has no attribute '${shown}' in flexmask: torch.${shown} is part of PyTorch's compiler and operator registry, which flexmask does not run (in attention-gym's softcapping.py, keep generate_tanh_softcap and leave out the Triton tanh internals)`;
    }
    if (module.name === 'torch' || module.name.startsWith('torch.')) {
      return `module '${module.name}' has no attribute '${shown}' in flexmask (it implements the tensor functions mask code uses; see the README's "What pastes")`;
    }
    return `module '${module.name}' has no attribute '${shown}'`;
  }

  /** Which names a def binds locally, and its global / nonlocal declarations (cached per def). */
  analyseBody(def: StmtOf<'def'>): {
    locals: Set<string>;
    globals: Set<string>;
    nonlocals: Set<string>;
  } {
    const cached = this.bodies.get(def);
    if (cached) return cached;
    const result = analyseFunction(def);
    this.bodies.set(def, result);
    return result;
  }
  private readonly bodies = new WeakMap<
    Stmt,
    { locals: Set<string>; globals: Set<string>; nonlocals: Set<string> }
  >();

  // ---- containers and classes ----------------------------------------------------------------

  dictSet(dict: PyDict, key: PyValue, value: PyValue): void {
    const k = hashKey(key);
    if (k === undefined) this.raise('TypeError', `unhashable type: '${typeName(key)}'`);
    const existing = dict.entries.get(k);
    dict.entries.set(k, { key: existing ? existing.key : key, value });
    if (dict.entries.size > this.budget.limits.maxCollectionItems)
      this.budget.checkItems(dict.entries.size, 'dict');
  }

  makeSet(items: PyValue[], frozen: boolean): PySet {
    const entries = new Map<string, PyValue>();
    for (const item of items) {
      const k = hashKey(item);
      if (k === undefined) this.raise('TypeError', `unhashable type: '${typeName(item)}'`);
      if (!entries.has(k)) entries.set(k, item);
    }
    return { kind: 'set', entries, frozen };
  }

  /** The __init__ that @dataclass writes: each field from the arguments or its default. */
  private initDataclass(
    cls: PyClass,
    instance: PyValue & { kind: 'instance' },
    args: CallArgs,
    interp: Pick<Interpreter, 'callValue'>,
    span: SourceSpan,
  ): void {
    const fields = cls.dataclassFields ?? [];
    const init = `${cls.name}.__init__()`;
    if (args.positional.length > fields.length) {
      const required = fields.filter((f) => f.default === undefined).length + 1;
      const most = fields.length + 1;
      this.raise(
        'TypeError',
        `${init} takes ${required < most ? `from ${required} to ${most}` : most} positional arguments but ${args.positional.length + 1} were given`,
      );
    }
    for (const key of args.keywords.keys()) {
      const k = fields.findIndex((f) => f.name === key);
      if (k < 0) this.raise('TypeError', `${init} got an unexpected keyword argument '${key}'`);
      if (k < args.positional.length)
        this.raise('TypeError', `${init} got multiple values for argument '${key}'`);
    }
    const missing: string[] = [];
    fields.forEach((f, k) => {
      let value = k < args.positional.length ? args.positional[k] : args.keywords.get(f.name);
      if (
        value === undefined &&
        f.default?.kind === 'opaque' &&
        f.default.name === 'dataclasses.field'
      ) {
        const factory = f.default.attrs?.get('default_factory');
        value = factory
          ? interp.callValue(factory, { positional: [], keywords: new Map() }, span)
          : f.default.attrs?.get('default');
      } else value ??= f.default;
      if (value === undefined) missing.push(f.name);
      else instance.attrs.set(f.name, value);
    });
    if (missing.length > 0)
      this.raise('TypeError', missingArguments(`${cls.name}.__init__`, 'positional', missing));
    const post = cls.attrs.get('__post_init__');
    if (post?.kind === 'function')
      interp.callValue(
        { kind: 'method', self: instance, fn: post },
        { positional: [], keywords: new Map() },
        span,
      );
  }

  construct(
    cls: PyClass,
    args: CallArgs,
    interp: Pick<Interpreter, 'callValue'>,
    span: SourceSpan,
  ): PyValue {
    if (cls.construct)
      return interp.callValue({ kind: 'native', name: cls.name, call: cls.construct }, args, span);
    if (this.isExceptionClass(cls)) return { kind: 'exception', cls, args: args.positional };
    const instance: PyValue & { kind: 'instance' } = { kind: 'instance', cls, attrs: new Map() };
    if (cls.isDataclass) {
      this.initDataclass(cls, instance, args, interp, span);
      return instance;
    }
    for (let c: PyClass | undefined = cls; c; c = c.bases[0]) {
      const init = c.attrs.get('__init__');
      if (init?.kind === 'function') {
        interp.callValue({ kind: 'method', self: instance, fn: init }, args, span);
        return instance;
      }
    }
    if (args.positional.length > 0 || args.keywords.size > 0)
      this.raise('TypeError', `${cls.name}() takes no arguments`);
    return instance;
  }

  // ---- misc ------------------------------------------------------------------------------------

  /** print(): `text` then `end`, by lines; a line left open (`end=''`) continues next time. */
  print(text: string, end = '\n'): void {
    if (this.printedLength > 20_000) return;
    const open = this.lineOpen ? (this.printed.pop() ?? '') : '';
    const written = open + text + end;
    const lines = written.split('\n');
    this.lineOpen = !written.endsWith('\n');
    if (!this.lineOpen) lines.pop();
    for (const line of lines) {
      this.printed.push(line.length > 2000 ? `${line.slice(0, 2000)}...` : line);
      this.printedLength += Math.min(line.length, 2000);
    }
    if (this.printedLength > 20_000)
      this.printed.push('... (print output cut at 20,000 characters)');
  }

  /** What the PyTorch export asks about code that never ran (see pytorchExport.ts). */
  staticResolver(): StaticResolver {
    return {
      isBuiltin: (name) => this.builtin(name) !== undefined,
      knowsModule: (name) => NATIVE_MODULE_NAMES.has(name) || LIBRARY_MODULES[name] !== undefined,
      knowsDotted: (parts) => {
        let value = this.userScope?.vars.get(parts[0]) ?? this.builtin(parts[0]);
        for (const part of parts.slice(1)) {
          if (value?.kind !== 'module') return 'known';
          if (value.missing) return 'unknown';
          const next: PyValue | undefined = value.attrs.get(part) ?? this.submodule(value, part);
          if (next === undefined) return 'unknown';
          value = next;
        }
        return value?.kind === 'module' && value.missing ? 'unknown' : 'known';
      },
    };
  }

  /** Calls `torch.<name>` (builtins such as abs() and round() defer to it for tensors). */
  torchCall(name: string, args: CallArgs, ctx: CallContext): PyValue {
    const torch = this.importModule('torch', ctx.span);
    const fn = torch.kind === 'module' ? torch.attrs.get(name) : undefined;
    if (fn === undefined) return this.raise('TypeError', `torch has no ${name}`);
    return this.interp.callValue(fn, args, ctx.span);
  }
}

/** PyTorch internals real files touch at import time, named in their own message. */
const INTERNALS = new Set([
  'library',
  'ops',
  '_inductor',
  '_dynamo',
  'autograd',
  'compiler',
  'fx',
  '_C',
]);

function isPackage(name: string): boolean {
  return Object.keys(LIBRARY_MODULES).some((k) => k.startsWith(`${name}.`));
}

/** A number literal with an optional sign (`3`, `-0.5`, `True`): what makes a parameter. */
function literalNumber(e: Expr): number | undefined {
  if (e.kind === 'bool') return e.value ? 1 : 0;
  if (e.kind === 'num') return e.value;
  if (e.kind === 'unary' && (e.op === '-' || e.op === '+') && e.operand.kind === 'num') {
    return (e.op === '-' ? -1 : 1) * e.operand.value;
  }
  return undefined;
}

/** Python's rule: a name assigned anywhere in a function body is local to the whole body. */
function analyseFunction(def: StmtOf<'def'>): {
  locals: Set<string>;
  globals: Set<string>;
  nonlocals: Set<string>;
} {
  const locals = new Set<string>();
  const globals = new Set<string>();
  const nonlocals = new Set<string>();
  parameterNames(def.params, locals);
  // The body's own blocks, not nested defs and classes (their bodies are their own scopes).
  const stmts: Stmt[] = [...def.body];
  for (let s = stmts.pop(); s !== undefined; s = stmts.pop()) {
    namesBoundBy(s, locals);
    if (s.kind === 'global') s.names.forEach((n) => globals.add(n));
    if (s.kind === 'nonlocal') s.names.forEach((n) => nonlocals.add(n));
    if (s.kind !== 'def' && s.kind !== 'class') stmts.push(...stmtChildren(s).stmts);
  }
  for (const n of globals) locals.delete(n);
  for (const n of nonlocals) locals.delete(n);
  return { locals, globals, nonlocals };
}
