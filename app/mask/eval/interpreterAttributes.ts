/**
 * Attribute access: `obj.name` and `obj.name = v` on modules, functions, classes and instances
 * (bound methods, staticmethod / classmethod / property), super() proxies, builtin methods and
 * tensor attributes, with CPython's AttributeError messages and "Did you mean" suggestions, and
 * Python's internals (`__dict__`, `__class__`, ...) kept out of reach. It is apart because both
 * expressions and assignments read it, and it needs nothing of them but calling a property.
 */
import type { SourceSpan } from '../types';
import { builtinAttributeNames, builtinMethod, unboundMethod } from './methods';
import { suggestName } from './suggest';
import { typeName } from './objects';
import {
  NONE,
  native,
  pyStr,
  type PyClass,
  type PyFunction,
  type PyOpaque,
  type PyValue,
} from './values';
import { InterpreterFrames } from './interpreterFrames';

const ALLOWED_DUNDERS = new Set(['__name__', '__qualname__', '__doc__', '__module__']);

export abstract class InterpreterAttributes extends InterpreterFrames {
  // ---- attributes --------------------------------------------------------------------------

  getAttribute(object: PyValue, name: string, span: SourceSpan): PyValue {
    const superInit = object.kind === 'opaque' && object.name === 'super' && name === '__init__';
    if (name.startsWith('__') && name.endsWith('__') && !ALLOWED_DUNDERS.has(name) && !superInit) {
      this.raise(
        'AttributeError',
        `'${typeName(object)}' object has no attribute '${name}' (flexmask does not expose Python's internals)`,
      );
    }
    this.ctx.span = this.userSpan(span);
    const found = this.findAttribute(object, name);
    if (found !== undefined) return found;
    if (object.kind === 'module' && object.missing) {
      return this.raise('ModuleNotFoundError', this.runtime.missingModuleMessage(object.name));
    }
    const suggestion = suggestName(name, this.attributeNames(object));
    if (object.kind === 'module')
      return this.raise(
        'AttributeError',
        this.runtime.moduleAttributeMessage(object, name),
        undefined,
        suggestion,
      );
    return this.raise(
      'AttributeError',
      `'${typeName(object)}' object has no attribute '${name}'`,
      undefined,
      suggestion,
    );
  }

  /** The attributes an object has, for AttributeError's "Did you mean". */
  private attributeNames(object: PyValue): string[] {
    const inClasses = (cls: PyClass): string[] => {
      const names: string[] = [];
      for (let c: PyClass | undefined = cls; c; c = c.bases[0]) names.push(...c.attrs.keys());
      return names;
    };
    switch (object.kind) {
      case 'module':
      case 'function':
        return [...object.attrs.keys()];
      case 'instance':
        return [...object.attrs.keys(), ...inClasses(object.cls)];
      case 'class':
        return inClasses(object);
      default:
        return builtinAttributeNames(object);
    }
  }

  private findAttribute(object: PyValue, name: string): PyValue | undefined {
    switch (object.kind) {
      case 'module':
        return object.attrs.get(name) ?? this.runtime.submodule(object, name);
      case 'function':
        if (name === '__name__') return object.attrs.get(name) ?? pyStr(object.name);
        if (name === '__qualname__') return object.attrs.get(name) ?? pyStr(object.qualname);
        if (name === '__doc__') return object.attrs.get(name) ?? docstring(object);
        return object.attrs.get(name);
      case 'native':
        return (
          object.attrs?.get(name) ??
          (name === '__name__' || name === '__qualname__' ? pyStr(object.name) : undefined)
        );
      case 'class':
        if (name === '__name__' || name === '__qualname__') return pyStr(object.name);
        return (
          this.classAttribute(object, name, undefined, object) ??
          unboundMethod(object, name, this.runtime)
        );
      case 'instance':
        return object.attrs.get(name) ?? this.classAttribute(object.cls, name, object, object.cls);
      case 'exception':
        return name === 'args' ? { kind: 'tuple', items: object.args } : undefined;
      case 'opaque':
        return object.name === 'super'
          ? this.superAttribute(object, name)
          : object.attrs?.get(name);
      case 'partial':
        if (name === 'func') return object.fn;
        if (name === 'args') return { kind: 'tuple', items: object.args };
        return undefined;
      case 'tensor':
      case 'sym':
      case 'symtable':
      case 'dtype':
      case 'device':
        return this.ops.tensorAttribute(object, name);
      case 'tuple':
        if (object.fields) {
          const k = object.fields.indexOf(name);
          if (k >= 0) return object.items[k];
        }
        return builtinMethod(object, name, this.runtime);
      default:
        return builtinMethod(object, name, this.runtime);
    }
  }

  /**
   * An attribute found on `cls` or its bases, as an instance or the class reads it: a function
   * read through an instance is a bound method; staticmethod, classmethod and property (opaque
   * wrappers from builtins.ts) give the function, a method bound to the class, the getter's value.
   */
  private classAttribute(
    cls: PyClass,
    name: string,
    instance: PyValue | undefined,
    selfClass: PyClass,
  ): PyValue | undefined {
    let found: PyValue | undefined;
    for (let c: PyClass | undefined = cls; c && found === undefined; c = c.bases[0])
      found = c.attrs.get(name);
    if (found?.kind === 'function')
      return instance ? { kind: 'method', self: instance, fn: found } : found;
    if (found?.kind !== 'opaque') return found;
    const fn = found.attrs?.get('__func__');
    if (fn?.kind !== 'function') return found;
    if (found.name === 'staticmethod') return fn;
    if (found.name === 'classmethod') return { kind: 'method', self: selfClass, fn };
    if (found.name === 'property')
      return instance
        ? this.callValue(fn, { positional: [instance], keywords: new Map() }, this.exprSpan)
        : found;
    return found;
  }

  /** An attribute read through super(): from the classes after the method's own, bound to self. */
  private superAttribute(proxy: PyOpaque, name: string): PyValue | undefined {
    const owner = proxy.attrs?.get('__thisclass__');
    const self = proxy.attrs?.get('__self__') ?? NONE;
    const base = owner?.kind === 'class' ? owner.bases[0] : undefined;
    const instance = self.kind === 'instance' ? self : undefined;
    const selfClass = self.kind === 'class' ? self : instance?.cls;
    const found = base && this.classAttribute(base, name, instance, selfClass ?? base);
    // object.__init__, when no class after the method's own defines one.
    if (found === undefined && name === '__init__') return native('object.__init__', () => NONE);
    return found;
  }

  /**
   * super(): a proxy for the classes after `owner` (see superAttribute), bound to `self`; with no
   * arguments, the running method's class and first argument.
   */
  superProxy(givenOwner?: PyClass, givenSelf?: PyValue): PyValue {
    const frame = this.currentFrame();
    const owner = givenOwner ?? frame?.fn?.ownerClass;
    if (owner === undefined) return this.raise('RuntimeError', 'super(): __class__ cell not found');
    const first = frame?.fn?.params.positional[0];
    const self = givenSelf ?? (first ? frame?.scope?.vars.get(first.name) : undefined);
    if (self === undefined) return this.raise('RuntimeError', 'super(): no arguments');
    return {
      kind: 'opaque',
      name: 'super',
      attrs: new Map([
        ['__thisclass__', owner],
        ['__self__', self],
      ]),
    };
  }

  setAttribute(object: PyValue, name: string, value: PyValue, span: SourceSpan): void {
    if (name.startsWith('__') && name.endsWith('__') && !ALLOWED_DUNDERS.has(name)) {
      this.raise(
        'AttributeError',
        `cannot set '${name}' (flexmask does not expose Python's internals)`,
      );
    }
    this.ctx.span = span;
    if (object.kind === 'function' || object.kind === 'instance' || object.kind === 'class') {
      object.attrs.set(name, value);
      return;
    }
    if (object.kind === 'native') {
      // and_masks(...) and friends return functions in PyTorch; code names them like any other.
      object.attrs ??= new Map();
      object.attrs.set(name, value);
      return;
    }
    this.raise('AttributeError', `'${typeName(object)}' object attribute '${name}' is read-only`);
  }
}

/** A def's docstring: its body's first statement when that is a string literal. */
function docstring(fn: PyFunction): PyValue {
  const first = Array.isArray(fn.body) ? fn.body[0] : undefined;
  return first?.kind === 'expr' && first.value.kind === 'string' && !first.value.bytes
    ? pyStr(first.value.value)
    : NONE;
}
